import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng.js';
import {
  devicePreset,
  driftCells,
  presetNames,
  programCells,
  programmingSigma,
  quantizeConductance,
  validateDevice,
} from '../../src/device/index.js';
import { UserError } from '../../src/errors.js';

function meanStd(a: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  const mean = s / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / (a.length - 1)) };
}

describe('device presets', () => {
  it('every preset validates', () => {
    for (const name of presetNames()) expect(() => validateDevice(devicePreset(name))).not.toThrow();
  });

  it('unknown preset is a UserError naming the known ones', () => {
    expect(() => devicePreset('memristor9000')).toThrowError(UserError);
    expect(() => devicePreset('memristor9000')).toThrowError(/memristor9000/);
  });

  it('bad hardware values are explained', () => {
    expect(() => validateDevice(devicePreset('rram', { gMin: 5e-5, gMax: 4e-5 }))).toThrowError(/below gMax/);
    expect(() => validateDevice(devicePreset('rram', { levels: 1 }))).toThrowError(/levels/);
    expect(() => validateDevice(devicePreset('rram', { stuckAtMin: 1.5 }))).toThrowError(/stuckAtMin/);
    expect(() => validateDevice(devicePreset('rram', { gMax: 40 }))).toThrowError(/siemens/);
  });
});

describe('sbt preset (threshold-switching, reconstructed: docs/sources.md section 7)', () => {
  it('is listed, validates, and its reads stay below the switching thresholds', () => {
    expect(presetNames()).toContain('sbt');
    const sbt = validateDevice(devicePreset('sbt'));
    expect(sbt.threshold).toBeDefined();
    expect(sbt.readVoltage).toBeLessThan(Math.min(sbt.threshold!.set, -sbt.threshold!.reset));
    // a V/2 half-select write at NeuroSim's 2 V write voltage must not switch a cell either
    expect(sbt.threshold!.set).toBeGreaterThan(1);
    expect(sbt.threshold!.set).toBeLessThan(2);
  });

  it('a read at or above the threshold is a UserError', () => {
    expect(() => validateDevice(devicePreset('sbt', { readVoltage: 1.5 }))).toThrowError(/threshold/);
    expect(() => validateDevice(devicePreset('sbt', { threshold: { set: 1, reset: 1 } }))).toThrowError(UserError);
  });
});

describe('programming', () => {
  it('quantises to equally spaced levels', () => {
    const dev = devicePreset('ideal', { gMin: 0, gMax: 3e-6, levels: 4 });
    expect(quantizeConductance(dev, 0.4e-6)).toBeCloseTo(0, 12);
    expect(quantizeConductance(dev, 0.6e-6)).toBeCloseTo(1e-6, 12);
    expect(quantizeConductance(dev, 2.6e-6)).toBeCloseTo(3e-6, 12);
    expect(quantizeConductance(dev, 9e-6)).toBeCloseTo(3e-6, 12);
  });

  it('the ideal device programs exactly', () => {
    const dev = devicePreset('ideal');
    const target = new Float32Array([0, 1e-6, 2.5e-5, 4e-5]);
    expect(Array.from(programCells(dev, target, new Rng(1)).g)).toEqual(Array.from(target));
  });

  it('programmed conductances show the configured spread (gaussian)', () => {
    const sigma = 0.7e-6;
    const dev = devicePreset('ideal', { programming: { kind: 'gaussian', sigmaAbs: sigma, sigmaRel: 0 } });
    const target = new Float32Array(40000).fill(20e-6);
    const { g } = programCells(dev, target, new Rng(7));
    const { mean, std } = meanStd(g);
    // standard error of the mean ~ sigma/200, of the std ~ sigma/283: 4-5 standard errors of slack
    expect(Math.abs(mean - 20e-6)).toBeLessThan(sigma * 0.025);
    expect(Math.abs(std / sigma - 1)).toBeLessThan(0.02);
  });

  it('the PCM polynomial gives aihwkit sigma at the top of the range', () => {
    // sigma(x=1) = 0.26348 + 1.9650 - 1.1731 uS (PCMLikeNoiseModel prog_coeff)
    const dev = devicePreset('pcm');
    expect(programmingSigma(dev, 25e-6)).toBeCloseTo((0.26348 + 1.965 - 1.1731) * 1e-6, 12);
    const target = new Float32Array(40000).fill(25e-6);
    const { std } = meanStd(programCells(dev, target, new Rng(3)).g);
    expect(Math.abs(std / 1.05538e-6 - 1)).toBeLessThan(0.03);
  });

  it('the polynomial scale knob multiplies sigma', () => {
    const base = devicePreset('rram');
    const doubled = devicePreset('rram', { programming: { kind: 'polynomial', coeffs: [0.348, 16.03, -43.853, 45.393, -16.815], gRef: 40e-6, scale: 2 } });
    // sigma at x = 0.5 of the NeuRRAM fit: 0.348 + 16.030/2 - 43.853/4 + 45.393/8 - 16.815/16 uS
    const atHalf = (0.348 + 16.03 / 2 - 43.853 / 4 + 45.393 / 8 - 16.815 / 16) * 1e-6;
    expect(programmingSigma(base, 20e-6)).toBeCloseTo(atHalf, 12);
    expect(programmingSigma(doubled, 20e-6)).toBeCloseTo(2 * atHalf, 12);
  });

  it('log-normal stochasticity has the configured log-spread', () => {
    const dev = devicePreset('ideal', { programming: { kind: 'lognormal', sigmaLog: 0.4 } });
    const target = new Float32Array(40000).fill(10e-6);
    const { g } = programCells(dev, target, new Rng(11));
    const logs = Array.from(g, (v) => Math.log(v / 10e-6));
    const { mean, std } = meanStd(logs);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(std - 0.4)).toBeLessThan(0.01);
  });

  it('stuck-at faults hit the configured fractions', () => {
    const dev = devicePreset('rram', { stuckAtMin: 0.09, stuckAtMax: 0.01 });
    const n = 100000;
    const target = new Float32Array(n).fill(20e-6);
    const cells = programCells(dev, target, new Rng(5));
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      if (cells.fault[i] === 1) {
        lo++;
        expect(cells.g[i]).toBe(Math.fround(dev.gMin));
      } else if (cells.fault[i] === 2) {
        hi++;
        expect(cells.g[i]).toBe(Math.fround(dev.gMax));
      }
    }
    // binomial standard deviation: sqrt(n p (1-p)) = 90 and 31
    expect(Math.abs(lo - 9000)).toBeLessThan(400);
    expect(Math.abs(hi - 1000)).toBeLessThan(150);
  });

  it('same seed, same chip; other seed, other chip', () => {
    const dev = devicePreset('rram', { stuckAtMin: 0.01 });
    const target = new Float32Array(1000).map((_, i) => (i % 40) * 1e-6);
    const a = programCells(dev, target, new Rng(9)).g;
    const b = programCells(dev, target, new Rng(9)).g;
    const c = programCells(dev, target, new Rng(10)).g;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});

describe('program-and-verify (device.verify)', () => {
  const dev = devicePreset('rram');
  const range = dev.gMax - dev.gMin;
  // targets on the device's levels, so quantisation adds nothing to the error
  const target = new Float32Array(20000).map((_, i) => quantizeConductance(dev, dev.gMin + ((i % 97) / 96) * range));

  it('brings every healthy cell within its band, and narrows the spread', () => {
    const oneShot = programCells(dev, target, new Rng(3)).g;
    const verified = programCells({ ...dev, verify: { tolerance: 0.01, maxPulses: 1000 } }, target, new Rng(3)).g;
    let worst = 0;
    const errOne: number[] = [];
    const errVerified: number[] = [];
    for (let i = 0; i < target.length; i++) {
      worst = Math.max(worst, Math.abs(verified[i] - target[i]));
      errOne.push(oneShot[i] - target[i]);
      errVerified.push(verified[i] - target[i]);
    }
    expect(worst).toBeLessThanOrEqual(0.01 * range * (1 + 1e-6));
    const one = meanStd(errOne).std;
    const ver = meanStd(errVerified).std;
    // the one-shot spread is several times the band, so the loop has work to do
    expect(one).toBeGreaterThan(0.02 * range);
    // errors end up spread over the band (std of a uniform band is tolerance range / sqrt(3))
    expect(ver).toBeLessThan((0.01 * range) / Math.sqrt(3) * 1.1);
  });

  it('with one pulse is one-shot programming, draw for draw', () => {
    const a = programCells(dev, target, new Rng(8)).g;
    const b = programCells({ ...dev, verify: { tolerance: 0.01, maxPulses: 1 } }, target, new Rng(8)).g;
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('leaves stuck cells stuck', () => {
    const faulty = { ...dev, stuckAtMin: 0.05, verify: { tolerance: 0.01, maxPulses: 100 } };
    const { g, fault } = programCells(faulty, target, new Rng(4));
    let stuck = 0;
    for (let i = 0; i < g.length; i++) if (fault[i] === 1) {
      stuck++;
      expect(g[i]).toBe(Math.fround(dev.gMin));
    }
    expect(stuck).toBeGreaterThan(500);
  });

  it('rejects a band or pulse count that makes no sense', () => {
    expect(() => validateDevice({ ...dev, verify: { tolerance: 0, maxPulses: 10 } })).toThrow(UserError);
    expect(() => validateDevice({ ...dev, verify: { tolerance: 0.01, maxPulses: 2.5 } })).toThrow(/maxPulses/);
  });
});

describe('drift', () => {
  it('follows G(t0) (t/t0)^-nu with a constant nu', () => {
    const dev = devicePreset('ideal', { drift: { kind: 'constant', nuMean: 0.05, nuStd: 0, t0: 20 } });
    const target = new Float32Array([10e-6, 20e-6]);
    const cells = programCells(dev, target, new Rng(1));
    const t = 3600;
    const g = driftCells(dev, cells, target, t, new Rng(2));
    const factor = Math.pow((t + 20) / 20, -0.05);
    expect(g[0]).toBeCloseTo(10e-6 * factor, 10);
    expect(g[1]).toBeCloseTo(20e-6 * factor, 10);
  });

  it('PCM drift lowers conductance on average, and not at all at t = 0', () => {
    const dev = devicePreset('pcm');
    const target = new Float32Array(20000).fill(15e-6);
    const cells = programCells(dev, target, new Rng(4));
    expect(Array.from(driftCells(dev, cells, target, 0, new Rng(5)))).toEqual(Array.from(cells.g));
    const after = driftCells(dev, cells, target, 86400, new Rng(5));
    const ratio = meanStd(after).mean / meanStd(cells.g).mean;
    // nu mean at x = 0.6 is clip(-0.0155 ln 0.6 + 0.0244) = 0.049 (lower clip): (86420/20)^-0.049
    const expected = Math.pow(86420 / 20, -0.049);
    expect(ratio).toBeLessThan(1);
    expect(Math.abs(ratio - expected)).toBeLessThan(0.02);
  });
});
