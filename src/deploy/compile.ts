/**
 * compile(model, hardware) -> Deployment. A scheme is a strategy that turns the model's layers into
 * stages; calibration then sets every stage's DAC and ADC ranges from sample inputs run through the
 * ideal deployment, stage by stage.
 */
import { tf } from '../engine/index.js';
import { absPercentile } from '../crossbar/converters.js';
import { targetMatrix } from '../crossbar/array.js';
import { type HardwareConfig, validateHardware } from '../crossbar/hardware.js';
import type { Dataset } from '../data/dataset.js';
import { UserError } from '../errors.js';
import type { Sequential } from '../nn/model.js';
import { AnalogStageRunner } from '../sim/analog.js';
import { StageExecutor } from '../sim/execute.js';
import { bnnStages } from './bnn.js';
import { conventionalStages } from './conventional.js';
import { type AnalogChainOptions, idmStages, matchAnalogChain } from './idm.js';
import type { AnalogStage, Deployment, Stage } from './deployment.js';

export interface Scheme {
  name: string;
  description: string;
  stages(model: Sequential, hw: HardwareConfig): Stage[];
  /** Runs once the DAC ranges are known (e.g. to match amplifier gains to them). */
  afterInputCalibration?(stages: Stage[], hw: HardwareConfig, opts: CompileOptions): void;
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
  stages: conventionalStages,
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
  const deployment: Deployment = {
    scheme: schemeName,
    hardware: hw,
    modelName: model.name,
    inputShape: [...model.inputShape],
    numClasses: model.numClasses,
    stages: scheme.stages(model, hw),
  };
  calibrate(deployment, opts.calibration, opts.calibrationSamples ?? 256, () => scheme.afterInputCalibration?.(deployment.stages, hw, opts));
  return deployment;
}

/**
 * Two passes over the calibration inputs through the ideal deployment (target conductances, no
 * noise): the first records each analog stage's inputs and sets its DAC full scale; the second,
 * with the DAC quantising, records the column currents and sets each ADC's full scale.
 */
function calibrate(d: Deployment, data: Dataset, samples: number, afterInputs: () => void): void {
  const n = Math.min(samples, data.length);
  if (n === 0) throw new UserError('calibration data is empty', 'give at least one sample');
  const per = data.sampleShape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(data.x.subarray(0, n * per), [n, ...data.sampleShape]);
  const hw = d.hardware;
  const pass = (converters: 'none' | 'dac', after: (stage: AnalogStage, runner: AnalogStageRunner) => void) => {
    const runners: [AnalogStage, AnalogStageRunner][] = [];
    const exec = new StageExecutor(d, (stage) => {
      const r = new AnalogStageRunner(stage, hw, targetMatrix(stage.mapped, stage.plan), {
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
    for (const [stage, r] of runners) after(stage, r);
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
  if (hw.adc.range === 'fixed') {
    // largest possible column current: every row of the block at full read voltage and full conductance swing
    const [r0, r1] = stage.plan.rowBlocks[block];
    return (r1 - r0) * hw.device.readVoltage * (hw.device.gMax - hw.device.gMin);
  }
  const fs = absPercentile(concat(chunks), hw.adc.percentile);
  return fs > 0 ? fs : hw.device.readVoltage * (hw.device.gMax - hw.device.gMin);
}
