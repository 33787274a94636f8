/**
 * The IDM scheme (information dimension matching; reconstruction, see docs/idm.md): crossbar layers
 * joined by analog units hand their outputs on as voltages, through a transimpedance stage whose
 * gain matches one layer's output range to the next layer's input range. Only the network's input
 * and output, and layers that cannot run in analog, are converted.
 *
 * Built on the conventional stages: a chain crossbar -> analog-capable units -> crossbar loses its
 * ADC, its DAC and its digital units; what is left converted says why in the deployment.
 */
import { type HardwareConfig, layerHardware } from '../crossbar/hardware.js';
import { UserError } from '../errors.js';
import type { Sequential } from '../nn/model.js';
import { conventionalStages } from './conventional.js';
import { type AnalogStage, type AnalogUnitStage, type DigitalStage, type Stage, analogStages } from './deployment.js';

/** Layers an analog circuit computes between two crossbars, and the circuit. */
const ANALOG_UNITS: Record<string, string> = {
  ReLU: 'analog rectifier',
  Tanh: 'differential-pair tanh',
  Sigmoid: 'differential-pair sigmoid',
  MaxPool: 'winner-take-all max-pool',
  AvgPool: 'resistive averaging pool',
  Flatten: 'wiring (no circuit)',
  Dropout: 'identity at inference (no circuit)',
};

/** Recurrent layers whose step is a crossbar product and an activation, so the state can stay analog. */
const CASCADING_RECURRENT = new Set(['SimpleRNN']);

/** The stage a cascade can start from or end in: its crossbar part for the analog flags. */
function crossbarEnd(s: Stage, end: 'output' | 'input'): AnalogStage | undefined {
  if (s.kind === 'analog') return s;
  if (s.kind === 'recurrent' && CASCADING_RECURRENT.has(s.layerType)) return end === 'input' ? s.input : s.recurrent[0];
  return undefined;
}

function placeholderTia(): { fullScale: number; noise: number; merged: boolean } {
  return { fullScale: 1, noise: 0, merged: false };
}

export function idmStages(model: Sequential, hw: HardwareConfig): Stage[] {
  const stages = conventionalStages(model, hw);
  // k-bit weights that fit one cell's levels map to one slice and cascade like analog weights; more
  // slices would need a digital shift-add of their outputs, which an analog chain does not have
  const sliced = analogStages(stages).find((s) => s.mapped.slices > 1);
  if (sliced) {
    const own = layerHardware(hw, sliced.name); // the layer's own weight bits and device (hardware.layers)
    throw new UserError(
      `the idm scheme keeps data analog between layers, so it cannot shift-add bit-sliced weights: '${sliced.name}' needs ${sliced.mapped.slices} slices of ${own.weightBits}-bit weights on a ${own.device.levels}-level device`,
      'use fewer weight bits (2^(bits-1) levels must fit the device), leave hardware.weightBits out (analog weights), or use the conventional scheme',
    );
  }
  // a SimpleRNN's state stays analog from step to step: its recurrent product needs no DAC or ADC,
  // and its input projection joins the recurrent product's current before one amplifier
  for (const s of stages) {
    if (s.kind !== 'recurrent' || !CASCADING_RECURRENT.has(s.layerType)) continue;
    s.input.adcAtOutput = false;
    s.input.tia = { ...placeholderTia(), merged: true };
    for (const r of s.recurrent) {
      r.dacAtInput = false;
      r.adcAtOutput = false;
      r.tia = placeholderTia();
    }
  }
  const out: Stage[] = [...stages];
  for (let i = 0; i < out.length; i++) {
    const from = crossbarEnd(out[i], 'output');
    if (!from) continue;
    let j = i + 1;
    while (j < out.length && out[j].kind === 'digital' && ANALOG_UNITS[out[j].layerType] !== undefined) j++;
    const to = j < out.length ? crossbarEnd(out[j], 'input') : undefined;
    if (!to) continue;
    // a cascade i -> j: the output stays a voltage, the units between run in analog
    if (out[i].kind === 'analog') {
      from.adcAtOutput = false;
      from.tia = placeholderTia();
    }
    to.dacAtInput = false;
    for (let k = i + 1; k < j; k++) {
      const d = out[k] as DigitalStage;
      const unit: AnalogUnitStage = {
        kind: 'analog-unit', name: d.name, layerType: d.layerType, layer: d.layer, inputShape: d.inputShape,
        outputShape: d.outputShape, fullScale: 1, noise: 0, reason: `${ANALOG_UNITS[d.layerType]} between ${out[i].name} and ${out[j].name}`,
      };
      out[k] = unit;
    }
  }
  // what still converts, and why
  for (let i = 0; i < out.length; i++) {
    const s = out[i];
    if (s.kind === 'digital') {
      s.reason = ANALOG_UNITS[s.layerType] !== undefined
        ? `${s.reason} (no crossbar layer on both sides to cascade)`
        : `${s.reason}; breaks the analog chain: ADC before, DAC after`;
    }
  }
  return out;
}

/** Physical constants and defaults of the analog chain's noise. */
const BOLTZMANN = 1.380649e-23; // J/K (exact, SI 2019)

export interface AnalogChainOptions {
  /** Sampling capacitance of each amplifier's output (F); its kT/C noise is the chain's noise. */
  sampleCapacitance?: number;
  /** Kelvin. */
  temperature?: number;
}

/**
 * kT/C noise of a sampled voltage relative to the full-scale voltage: sqrt(k T / C) / V_fs.
 * Defaults: C = 100 fF and T = 300 K are our assumptions (docs/idm.md), not values from the paper.
 */
export function chainNoiseRelative(vFullScale: number, opts: AnalogChainOptions = {}): number {
  const c = opts.sampleCapacitance ?? 100e-15;
  const t = opts.temperature ?? 300;
  if (!(c > 0) || !(t >= 0)) throw new UserError(`analog chain: sampleCapacitance must be > 0 F and temperature >= 0 K`, 'e.g. 100e-15 F, 300 K');
  return Math.sqrt((BOLTZMANN * t) / c) / vFullScale;
}

/**
 * After the DAC ranges are calibrated: each amplifier's gain matches its output to the input full
 * scale of the crossbar stage it drives (the "information dimension" of the next layer), and the
 * analog units between them share that full scale. A recurrent product is matched to its own range
 * on the calibration inputs.
 */
export function matchAnalogChain(stages: Stage[], vFullScale: number, opts: AnalogChainOptions = {}): void {
  const rel = chainNoiseRelative(vFullScale, opts);
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i];
    if (s.kind === 'recurrent') {
      // the recurrent product is matched to its own range (the state feeds back into itself)
      for (const r of s.recurrent) {
        const fs = r.calibration.outputMax && r.calibration.outputMax > 0 ? r.calibration.outputMax : 1;
        if (r.tia) Object.assign(r.tia, { fullScale: fs, noise: rel * fs });
      }
    }
    const from = s.kind === 'analog' ? s : undefined;
    if (!from?.tia || from.tia.merged) continue;
    let j = i + 1;
    while (j < stages.length && stages[j].kind === 'analog-unit') j++;
    const to = j < stages.length ? crossbarEnd(stages[j], 'input') : undefined;
    if (!to) throw new Error(`idm: stage '${from.name}' has an amplifier but drives no crossbar stage`);
    const fs = to.calibration.xMax;
    from.tia.fullScale = fs;
    from.tia.noise = rel * fs;
    for (let k = i + 1; k < j; k++) {
      const u = stages[k] as AnalogUnitStage;
      u.fullScale = fs;
      u.noise = rel * fs;
    }
  }
}
