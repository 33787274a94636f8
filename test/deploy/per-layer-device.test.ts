import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import { programMatrix, targetMatrix } from '../../src/crossbar/array.js';
import { type HardwareConfig, stageHardware, validateHardware } from '../../src/crossbar/hardware.js';
import { compile } from '../../src/deploy/compile.js';
import { type AnalogStage, type Deployment, analogStages } from '../../src/deploy/deployment.js';
import { devicePreset } from '../../src/device/index.js';
import { Chip } from '../../src/sim/chip.js';
import type { StageCounters } from '../../src/sim/analog.js';
import { estimateCost } from '../../src/cost/estimate.js';
import { hardwareFromConfig, validateConfig } from '../../src/config/index.js';
import { UserError } from '../../src/errors.js';
import { idealHardware, mlp, randomData } from './fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

const data = randomData([20], 64, 5);

function stage(d: Deployment, name: string): AnalogStage {
  return analogStages(d).find((s) => s.name === name)!;
}

/** Largest |programmed - target| conductance difference over a stage's cells on one chip. */
function programmingSpread(d: Deployment, name: string, seed: number): number {
  const s = stage(d, name);
  const prog = programMatrix(s.mapped, s.plan, stageHardware(d.hardware, s), new Rng(seed));
  const target = targetMatrix(s.mapped, s.plan, stageHardware(d.hardware, s));
  let worst = 0;
  prog.blocks.forEach((b, i) => {
    const t = target.blocks[i].diff[0];
    for (let k = 0; k < t.length; k++) worst = Math.max(worst, Math.abs(b.diff[0][k] - t[k]));
  });
  return worst;
}

function chipOutput(d: Deployment, seed: number, counters?: StageCounters): Float32Array {
  const chip = new Chip(d, seed);
  const x = tf.tensor2d(data.x, [data.length, 20]);
  const y = chip.forward(x, counters);
  const out = y.dataSync() as Float32Array;
  x.dispose();
  y.dispose();
  chip.dispose();
  return out.slice();
}

/** The UserError a function throws, or fails. */
function userError(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('no error thrown');
}

describe('per-layer devices (hardware.layers)', () => {
  let model: ReturnType<typeof mlp>; // fc1 (20x16) -> relu -> fc2 (16x5)
  beforeAll(() => {
    model = mlp(4);
  });
  const rramHw = (over: Partial<HardwareConfig> = {}): HardwareConfig => idealHardware({ device: devicePreset('rram'), ...over });

  it('layer 1 on rram, layer 2 on ideal: programming spread only in layer 1, mapped to each device\'s range', () => {
    const d = compile(model, rramHw({ layers: { fc2: { device: devicePreset('ideal') } } }), { calibration: data });
    expect(stage(d, 'fc1').device).toBeUndefined(); // the hardware's device
    expect(stage(d, 'fc2').device?.name).toBe('ideal');
    // targets span each device's own conductance range: rram from 4 uS, ideal from 0
    expect(Math.min(...stage(d, 'fc1').mapped.pos[0]) / devicePreset('rram').gMin).toBeCloseTo(1, 6);
    expect(Math.min(...stage(d, 'fc2').mapped.pos[0])).toBe(0);
    for (const seed of [1, 2]) {
      expect(programmingSpread(d, 'fc1', seed)).toBeGreaterThan(1e-7); // rram's polynomial error, ~0.3-4 uS
      expect(programmingSpread(d, 'fc2', seed)).toBe(0);
    }
  });

  it('every layer overridden to ideal equals the ideal hardware; only the rram layer makes a chip differ', () => {
    const ideal = compile(model, idealHardware(), { calibration: data });
    const allIdeal = compile(model, rramHw({ layers: { fc1: { device: devicePreset('ideal') }, fc2: { device: devicePreset('ideal') } } }), { calibration: data });
    const fc1OnRram = compile(model, rramHw({ layers: { fc2: { device: devicePreset('ideal') } } }), { calibration: data });
    const reference = chipOutput(ideal, 7);
    expect(chipOutput(allIdeal, 7)).toEqual(reference);
    // same seed, same chip: rram's programming and read noise in fc1 change the outputs
    const noisy = chipOutput(fc1OnRram, 7);
    let diff = 0;
    for (let i = 0; i < noisy.length; i++) diff = Math.max(diff, Math.abs(noisy[i] - reference[i]));
    expect(diff).toBeGreaterThan(1e-3);
  });

  it('ideal everywhere is unchanged: no stage gets a device, an empty override list changes nothing', () => {
    const plain = compile(model, idealHardware(), { calibration: data });
    const empty = compile(model, idealHardware({ layers: {} }), { calibration: data });
    for (const s of analogStages(plain)) expect(s.device).toBeUndefined();
    expect(chipOutput(empty, 3)).toEqual(chipOutput(plain, 3));
  });

  it('a layer\'s own weight bits bit-slice that layer only; its device\'s read pulse prices that stage', () => {
    // fc2 on rram with a 1 ms read pulse: long enough to set its stage's plane time on its own
    const slow = devicePreset('rram', { name: 'slow rram', readPulseWidth: 1e-3 });
    const hw = idealHardware({ device: devicePreset('binary'), layers: { fc2: { device: slow, weightBits: 8 } } });
    const d = compile(model, hw, { calibration: data });
    expect(stage(d, 'fc1').mapped.slices).toBe(1);
    // 7 magnitude bits over rram's 32 levels (5 bits a cell): 2 slices
    expect(stage(d, 'fc2').mapped.slices).toBe(2);
    const counters: StageCounters = {};
    chipOutput(d, 1, counters);
    const cost = estimateCost(d, counters, data.length);
    const row = (n: string) => cost.stages.find((s) => s.name === n)!;
    expect(row('fc2').schedule!.planeTime).toBeCloseTo(cost.components.dac.latency + 1e-3, 9);
    expect(row('fc1').schedule!.planeTime).toBeLessThan(1e-4);
  });

  it('an unknown layer name, or a layer without tiles, is a UserError at compile time', () => {
    const typo = userError(() => compile(model, idealHardware({ layers: { fc3: { device: devicePreset('rram') } } }), { calibration: data }));
    expect(typo.message).toMatch(/hardware\.layers: model 'mlp' has no layer 'fc3'/);
    expect(typo.hint).toMatch(/Did you mean 'fc1'\?|Did you mean 'fc2'\?/);
    expect(typo.hint).toMatch(/Layers on crossbars: fc1, fc2/);
    const relu = userError(() => compile(model, idealHardware({ layers: { relu: { device: devicePreset('rram') } } }), { calibration: data }));
    expect(relu.message).toMatch(/layer 'relu' \(ReLU\) .* has no crossbar tiles/);
  });

  it('a layer\'s settings pass the same hardware checks, named by the layer', () => {
    const bad = userError(() => validateHardware(idealHardware({ layers: { fc2: { weightBits: 40 } } })));
    expect(bad.message).toMatch(/^hardware\.layers\.fc2: weightBits must be a whole number from 2 to 16, got 40/);
    const levels = userError(() => validateHardware(idealHardware({ layers: { fc2: { device: devicePreset('binary'), weightBits: 8, cellBits: 3 } } })));
    expect(levels.message).toMatch(/^hardware\.layers\.fc2: cellBits 3 needs 8 levels but device 'binary' has 2/);
  });
});

describe('hardware.layers in a job config', () => {
  const base = { dataset: { name: 'mnist' }, model: { name: 'mlp' } };

  it('reads a preset name or a customised preset per layer', () => {
    const cfg = validateConfig({ ...base, hardware: { device: 'binary', layers: { out: { device: 'rram' }, fc1: { device: { preset: 'rram', levels: 16 }, weightBits: 8 } } } }, 'job.yaml');
    const hw = hardwareFromConfig(cfg.hardware);
    expect(hw.device.name).toBe('binary');
    expect(hw.layers?.out).toEqual({ device: devicePreset('rram') });
    expect(hw.layers?.fc1.device?.levels).toBe(16);
    expect(hw.layers?.fc1.weightBits).toBe(8);
    // no layers: no key at all (the default hardware is unchanged)
    expect(hardwareFromConfig(validateConfig(base, 'job.yaml').hardware).layers).toBeUndefined();
  });

  it('names the layer in errors: an unknown preset, an unknown key, impossible slicing', () => {
    const preset = userError(() => validateConfig({ ...base, hardware: { layers: { out: { device: 'rran' } } } }, 'job.yaml'));
    expect(preset.message).toMatch(/hardware\.layers\.out\.device: unknown device preset 'rran'/);
    expect(preset.hint).toMatch(/Did you mean 'rram'\?/);
    const key = userError(() => validateConfig({ ...base, hardware: { layers: { out: { devcie: 'rram' } } } }, 'job.yaml'));
    expect(key.message).toMatch(/hardware\.layers\.out/);
    expect(key.message).toMatch(/devcie/);
    const slicing = userError(() => validateConfig({ ...base, hardware: { device: 'rram', layers: { out: { device: 'binary', weightBits: 4, cellBits: 2 } } } }, 'job.yaml'));
    expect(slicing.message).toMatch(/hardware\.layers\.out: cellBits 2 needs 4 levels but device 'binary' has 2/);
  });
});
