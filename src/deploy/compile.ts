/**
 * compile(model, hardware) -> Deployment. A scheme is a strategy that turns the model's layers into
 * stages; calibration then sets every stage's DAC and ADC ranges from sample inputs run through the
 * ideal deployment, stage by stage.
 */
import { tf } from '../engine/index.js';
import { absPercentile } from '../crossbar/converters.js';
import { type ProgrammedMatrix, targetMatrix } from '../crossbar/array.js';
import { type HardwareConfig, checkLayerOverrides, validateHardware } from '../crossbar/hardware.js';
import type { Dataset } from '../data/dataset.js';
import { UserError } from '../errors.js';
import type { Sequential } from '../nn/model.js';
import { AnalogStageRunner } from '../sim/analog.js';
import { StageExecutor } from '../sim/execute.js';
import { bnnStages } from './bnn.js';
import { conventionalStages } from './conventional.js';
import { dartsStages, isDartsModel } from './darts.js';
import { hypernetworkStages } from './hypernetwork.js';
import { type AnalogChainOptions, idmStages, matchAnalogChain } from './idm.js';
import { type AnalogStage, type Deployment, type Stage, allStages, analogStages } from './deployment.js';

export interface Scheme {
  name: string;
  description: string;
  stages(model: Sequential, hw: HardwareConfig): Stage[];
  /** Runs once the DAC ranges are known (e.g. to match amplifier gains to them). */
  afterInputCalibration?(stages: Stage[], hw: HardwareConfig, opts: CompileOptions): void;
  /** Deploys DARTS networks (their cell graphs); schemes without it refuse them. */
  darts?: boolean;
  /** Keeps the calibration inputs in the deployment (for recalibration after reconfiguring). */
  keepCalibrationInputs?: boolean;
}

const schemes = new Map<string, Scheme>();

export function registerScheme(s: Scheme): void {
  if (schemes.has(s.name)) throw new Error(`scheme '${s.name}' registered twice`);
  schemes.set(s.name, s);
}

export function schemeNames(): string[] {
  return [...schemes.keys()];
}

registerScheme({
  name: 'conventional',
  description: 'ADC after every crossbar layer, digital activation/pooling, DAC before the next layer',
  // a DARTS network: its cells as a graph stage, only the genotype's (or the selected) operations deployed
  stages: (model, hw) => (isDartsModel(model) ? dartsStages(model, hw, 'individual') : conventionalStages(model, hw)),
  darts: true,
});

registerScheme({
  name: 'hypernetwork',
  description: 'DARTS hypernetwork: every primitive of every cell edge on its own tiles or periphery units, a switch matrix per edge selecting one',
  stages: (model, hw) => hypernetworkStages(model, hw),
  darts: true,
  keepCalibrationInputs: true,
});

registerScheme({
  name: 'bnn',
  description: 'binary network: +-1 weights on binary cells, 0/V inputs, batch norm and sign folded into one sense amplifier per column',
  stages: bnnStages,
});

registerScheme({
  name: 'idm',
  description: 'information dimension matching: crossbar layers cascaded in analog, converters only at the ends',
  stages: idmStages,
  afterInputCalibration: (stages, hw, opts) => matchAnalogChain(stages, hw.device.readVoltage, opts.analog),
});

export interface CompileOptions {
  scheme?: string;
  /** Sample inputs for converter calibration (the first `calibrationSamples` are used). */
  calibration: Dataset;
  calibrationSamples?: number;
  /** Noise of the analog chain (idm scheme). */
  analog?: AnalogChainOptions;
}

export function compile(model: Sequential, hw: HardwareConfig, opts: CompileOptions): Deployment {
  validateHardware(hw);
  const schemeName = opts.scheme ?? 'conventional';
  const scheme = schemes.get(schemeName);
  if (!scheme) throw new UserError(`unknown deployment scheme '${schemeName}'`, `known schemes: ${schemeNames().join(', ')}`);
  const sampleShape = opts.calibration.sampleShape;
  if (JSON.stringify(sampleShape) !== JSON.stringify(model.inputShape)) {
    throw new UserError(
      `calibration data has samples of shape ${JSON.stringify(sampleShape)} but model '${model.name}' expects ${JSON.stringify(model.inputShape)}`,
      'calibrate with the dataset the model was trained on',
    );
  }
  if (isDartsModel(model) && !scheme.darts) {
    throw new UserError(
      `scheme '${schemeName}' cannot deploy DARTS network '${model.name}'`,
      "deploy DARTS networks with scheme 'conventional' (one genotype) or 'hypernetwork' (a DARTS hypernetwork)",
    );
  }
  const deployment: Deployment = {
    scheme: schemeName,
    hardware: hw,
    modelName: model.name,
    inputShape: [...model.inputShape],
    numClasses: model.numClasses,
    stages: scheme.stages(model, hw),
  };
  if (hw.layers) {
    const types = Object.fromEntries(model.layers.map((l) => [l.name, l.type]));
    checkLayerOverrides(hw, model.name, analogStages(deployment).map((s) => s.name), types);
  }
  const n = Math.min(opts.calibrationSamples ?? 256, opts.calibration.length);
  if (n === 0) throw new UserError('calibration data is empty', 'give at least one sample');
  const per = sampleShape.reduce((a, b) => a * b, 1);
  const samples = { x: opts.calibration.x.subarray(0, n * per), shape: [n, ...sampleShape] };
  if (scheme.keepCalibrationInputs) deployment.calibrationInputs = { x: samples.x.slice(), shape: samples.shape };
  calibrate(deployment, samples, () => scheme.afterInputCalibration?.(deployment.stages, hw, opts));
  return deployment;
}

/**
 * Sets the converter ranges of a deployment's active stages again from the calibration inputs it
 * kept (hypernetwork scheme), e.g. after its switches changed: the weights on the tiles stay.
 */
export function recalibrate(d: Deployment): void {
  if (!d.calibrationInputs) {
    throw new UserError(`deployment of '${d.modelName}' (${d.scheme}) kept no calibration inputs`, "compile with scheme 'hypernetwork' to reconfigure and recalibrate");
  }
  const scheme = schemes.get(d.scheme);
  if (scheme?.afterInputCalibration) throw new Error(`recalibrate: scheme '${d.scheme}' needs its compile options after input calibration`);
  calibrate(d, d.calibrationInputs, () => undefined);
}

/**
 * Two passes over the calibration inputs through the nominal deployment (target conductances with
 * the wires' IR drop, no programming error or noise: `targetMatrix`): the first records each analog
 * stage's inputs and sets its DAC full scale; the second, with the DAC quantising, records the
 * column currents and sets each ADC's full scale.
 */
function calibrate(d: Deployment, samples: { x: Float32Array; shape: number[] }, afterInputs: () => void): void {
  const x = tf.tensor(samples.x, samples.shape);
  // stages of switched-off hypernetwork operations see no inputs: they keep their ranges
  const off = new Set(allStages(d).filter((l) => !l.active).map((l) => l.stage.name));
  const isActive = (stage: AnalogStage): boolean => !off.has(stage.name);
  const hw = d.hardware;
  // the nominal conductances of each stage, built once for both passes (a nodal IR-drop solve per tile)
  const nominal = new Map<AnalogStage, ProgrammedMatrix>();
  const nominalOf = (stage: AnalogStage): ProgrammedMatrix => {
    let m = nominal.get(stage);
    if (!m) nominal.set(stage, (m = targetMatrix(stage.mapped, stage.plan, hw)));
    return m;
  };
  const pass = (converters: 'none' | 'dac', after: (stage: AnalogStage, runner: AnalogStageRunner) => void) => {
    const runners: [AnalogStage, AnalogStageRunner][] = [];
    const exec = new StageExecutor(d, (stage) => {
      const r = new AnalogStageRunner(stage, hw, nominalOf(stage), {
        converters,
        readNoise: false,
        recordInputs: converters === 'none',
        recordCurrents: converters === 'dac',
        linearCells: converters === 'none',
      });
      runners.push([stage, r]);
      return r;
    });
    exec.forward(x).dispose();
    for (const [stage, r] of runners) if (isActive(stage)) after(stage, r);
    exec.dispose();
  };
  pass('none', (stage, r) => {
    const xMax = absPercentile(concat(r.inputs.chunks), hw.dac.percentile);
    stage.calibration.xMax = xMax > 0 ? xMax : 1;
    stage.calibration.signedInput = r.inputs.min < 0;
    stage.calibration.outputMax = r.outputMax;
  });
  afterInputs();
  pass('dac', (stage, r) => {
    if (!stage.adcAtOutput) return;
    stage.calibration.adcFullScale = r.currents.map((perSlice, b) => perSlice.map((chunks) => adcFullScale(stage, hw, b, chunks)));
  });
  x.dispose();
}

function concat(chunks: Float32Array[]): Float32Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const all = new Float32Array(total);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  return all;
}

function adcFullScale(stage: AnalogStage, hw: HardwareConfig, block: number, chunks: Float32Array[]): number {
  const dev = stage.device ?? hw.device; // the stage's own device (hardware.layers)
  if (hw.adc.range === 'fixed') {
    // largest possible column current: every row of the block at full read voltage and full conductance swing
    const [r0, r1] = stage.plan.rowBlocks[block];
    return (r1 - r0) * dev.readVoltage * (dev.gMax - dev.gMin);
  }
  const fs = absPercentile(concat(chunks), hw.adc.percentile);
  return fs > 0 ? fs : dev.readVoltage * (dev.gMax - dev.gMin);
}
