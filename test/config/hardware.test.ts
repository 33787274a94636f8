import { describe, expect, it } from 'vitest';
import {
  defaultConfig,
  hardwareFromConfig,
  parseConfigText,
  validateConfig,
} from '../../src/config/index.js';
import { devicePreset, presetNames } from '../../src/device/presets.js';
import { UserError } from '../../src/errors.js';

const base = { dataset: { name: 'mnist' }, model: { name: 'lenet5' } };

/** The UserError message for a config, or fails. */
function rejection(doc: unknown): string {
  try {
    validateConfig(doc, 'job.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as UserError).message;
  }
  throw new Error(`config was accepted: ${JSON.stringify(doc)}`);
}

describe('hardware and simulation sections', () => {
  it('the embedded default: rram, 128x128 differential tiles, 8-bit calibrated converters, no IR drop, 10 chips, conventional', () => {
    const cfg = defaultConfig();
    expect(cfg.hardware).toEqual({
      device: { preset: 'rram' },
      tile: { rows: 128, cols: 128 },
      mapping: 'differential',
      dac: { bits: 8, mode: 'amplitude', percentile: 1 },
      adc: { bits: 8, range: 'calibrated', percentile: 1 },
      wireResistance: 0,
    });
    expect(cfg.simulation).toMatchObject({ chips: 10, driftSeconds: 0, scheme: 'conventional' });
    expect(cfg.simulation.threads).toBeUndefined();
    const hw = hardwareFromConfig(cfg.hardware);
    // the preset itself, unmodified
    expect(hw.device).toEqual(devicePreset('rram'));
    expect(hw.weightBits).toBeUndefined();
  });

  it('a device is a preset name, or a preset with values replaced', () => {
    const named = validateConfig({ ...base, hardware: { device: 'pcm' } }, 't');
    expect(hardwareFromConfig(named.hardware).device).toEqual(devicePreset('pcm'));

    const custom = validateConfig(
      { ...base, hardware: { device: { preset: 'rram', levels: 16, gMin: 2e-6, readNoise: { kind: 'none' }, stuckAtMin: 0.01 } } },
      't',
    );
    const dev = hardwareFromConfig(custom.hardware).device;
    expect(dev).toMatchObject({ levels: 16, gMin: 2e-6, gMax: devicePreset('rram').gMax, readNoise: { kind: 'none' }, stuckAtMin: 0.01 });
    expect(dev.programming).toEqual(devicePreset('rram').programming);
    expect(dev.name).toBe('custom rram');
  });

  it('the programming noise scale can be set in a config (for sweeps)', () => {
    const rram = devicePreset('rram');
    const programming = { ...(rram.programming as { kind: 'polynomial'; coeffs: number[]; gRef: number }), scale: 2 };
    const cfg = validateConfig({ ...base, hardware: { device: { preset: 'rram', programming } } }, 't');
    expect(hardwareFromConfig(cfg.hardware).device.programming).toEqual(programming);
    expect(() => validateConfig({ ...base, hardware: { device: { preset: 'rram', programming: { ...programming, scale: -1 } } } }, 't')).toThrowError(/scale/);
  });

  it('program-and-verify and the IR-drop model can be set in a config, and are checked', () => {
    const cfg = validateConfig({ ...base, hardware: { device: { preset: 'rram', verify: { tolerance: 0.01 } }, wireResistance: 2.82, irDrop: 'first-order' } }, 't');
    const hw = hardwareFromConfig(cfg.hardware);
    expect(hw.device.verify).toEqual({ tolerance: 0.01, maxPulses: 20 });
    expect(hw.irDrop).toBe('first-order');
    expect(hardwareFromConfig(validateConfig(base, 't').hardware).device.verify).toBeUndefined();
    expect(rejection({ ...base, hardware: { device: { preset: 'rram', verify: { tolerance: 2 } } } })).toMatch(/verify\.tolerance/);
    expect(rejection({ ...base, hardware: { irDrop: 'exact' } })).toMatch(/irDrop/);
  });

  it("levels may be 'analog' (or YAML .inf) for an analog device", () => {
    const doc = parseConfigText('dataset: { name: mnist }\nmodel: { name: mlp }\nhardware:\n  device: { preset: rram, levels: .inf }\n', 'yaml', 't');
    const cfg = validateConfig(doc, 't');
    expect(cfg.hardware.device.levels).toBe('analog');
    expect(hardwareFromConfig(cfg.hardware).device.levels).toBe(Infinity);
    const again = validateConfig({ ...base, hardware: { device: { levels: 'analog' } } }, 't');
    expect(hardwareFromConfig(again.hardware).device.levels).toBe(Infinity);
  });

  it('takes bit slicing, offset mapping, bit-serial DACs and fixed ADC ranges', () => {
    const cfg = validateConfig(
      {
        ...base,
        hardware: { weightBits: 8, cellBits: 2, dac: { mode: 'bit-serial', bits: 4 }, adc: { range: 'fixed', bits: 10 }, tile: { rows: 256, cols: 64 }, wireResistance: 2.82 },
        simulation: { chips: 3, threads: 2, driftSeconds: 3600, calibrationSamples: 64, batchSize: 100 },
      },
      't',
    );
    const hw = hardwareFromConfig(cfg.hardware);
    expect(hw).toMatchObject({ weightBits: 8, cellBits: 2, dac: { mode: 'bit-serial', bits: 4, percentile: 1 }, adc: { range: 'fixed', bits: 10 } });
    expect(hw.tile).toEqual({ rows: 256, cols: 64 });
    expect(cfg.simulation).toEqual({ chips: 3, threads: 2, driftSeconds: 3600, calibrationSamples: 64, batchSize: 100, scheme: 'conventional' });
    expect(validateConfig({ ...base, hardware: { mapping: 'offset' } }, 't').hardware.mapping).toBe('offset');
  });

  it.each([
    ['gMin above gMax', { device: { gMin: 5e-5 } }, /hardware\.device: .*gMin \(0\.00005 S\) must be below gMax/],
    ['gMin equal to gMax', { device: { gMin: 4e-5, gMax: 4e-5 } }, /gMin .* must be below gMax/],
    ['conductance in microsiemens by mistake', { device: { gMax: 40 } }, /gMax 40 S is above 10 mS; conductances are in siemens/],
    ['a 0-bit ADC', { adc: { bits: 0 } }, /hardware\.adc\.bits: expected a positive integer, got 0/],
    ['a 30-bit ADC', { adc: { bits: 30 } }, /adc\.bits must be a whole number from 1 to 24, got 30/],
    ['a fractional DAC', { dac: { bits: 7.5 } }, /hardware\.dac\.bits: expected a positive integer, got 7\.5/],
    ['a huge tile', { tile: { rows: 100000 } }, /tile\.rows = 100000 is larger than any sensible array \(max 4096\)/],
    ['a 1-row tile', { tile: { rows: 1 } }, /tile\.rows must be a whole number >= 2, got 1/],
    ['an unknown preset', { device: 'rrm' }, /hardware\.device: unknown device preset 'rrm'/],
    ['an unknown preset in an object', { device: { preset: 'sbt-film' } }, /unknown device preset 'sbt-film'/],
    ['one level', { device: { levels: 1 } }, /hardware\.device\.levels: expected a whole number of levels >= 2, or 'analog', got 1/],
    ['a word for levels', { device: { levels: 'many' } }, /hardware\.device\.levels: expected .* got 'many'/],
    ['a fault rate above 1', { device: { stuckAtMax: 2 } }, /stuckAtMax is a fraction of cells in \[0, 1\], got 2/],
    ['an unknown programming model', { device: { programming: { kind: 'gauss' } } }, /hardware\.device\.programming\.kind: expected one of 'none', 'gaussian'/],
    ['a percentile above 1', { adc: { percentile: 1.5 } }, /adc\.percentile must be in \(0, 1\], got 1\.5/],
    ['an unknown mapping', { mapping: 'diff' }, /hardware\.mapping: expected one of 'differential', 'offset', got 'diff'/],
    ['cellBits without weightBits', { cellBits: 2 }, /cellBits needs weightBits/],
    ['cellBits beyond the levels', { weightBits: 8, cellBits: 6 }, /cellBits 6 needs 64 levels but device 'rram' has 32/],
    ['bit slicing with the offset mapping', { weightBits: 8, mapping: 'offset' }, /bit-sliced weights need the differential mapping/],
    ['negative wire resistance', { wireResistance: -1 }, /hardware\.wireResistance: expected a non-negative number, got -1/],
    ['an unknown ADC range', { adc: { range: 'auto' } }, /hardware\.adc\.range: expected one of 'calibrated', 'fixed', got 'auto'/],
  ])('rejects %s with a message naming the key', (_what, hardware, pattern) => {
    const msg = rejection({ ...base, hardware });
    expect(msg).toMatch(/^invalid config in job\.yaml: /);
    expect(msg).toMatch(pattern);
  });

  it('suggests the preset and key meant', () => {
    expect(rejection({ ...base, hardware: { device: 'rrma' } })).toContain("unknown device preset 'rrma'");
    try {
      validateConfig({ ...base, hardware: { device: 'rrma' } }, 't');
    } catch (e) {
      expect((e as UserError).hint).toMatch(/Did you mean 'rram'\?.*Known presets: ideal, rram, pcm, binary/);
      expect((e as UserError).hint).toContain(presetNames().join(', '));
    }
    expect(rejection({ ...base, hardware: { adc: { bit: 6 } } })).toMatch(/hardware\.adc\.bit: unknown key.*Did you mean 'bits'\?/);
    expect(rejection({ ...base, hardware: { device: { readnoise: { kind: 'none' } } } })).toMatch(/Did you mean 'readNoise'\?/);
    expect(rejection({ ...base, simulation: { chip: 3 } })).toMatch(/simulation\.chip: unknown key.*Did you mean 'chips'\?/);
  });

  it.each([
    [{ chips: 0 }, 'simulation.chips: expected a positive integer, got 0'],
    [{ threads: 0 }, 'simulation.threads: expected a positive integer, got 0'],
    [{ driftSeconds: -1 }, 'simulation.driftSeconds: expected a non-negative number, got -1'],
    [{ calibrationSamples: 1.5 }, 'simulation.calibrationSamples: expected a positive integer, got 1.5'],
    [{ scheme: '' }, 'simulation.scheme: expected a scheme name'],
  ])('rejects simulation %j', (simulation, expected) => {
    expect(rejection({ ...base, simulation })).toContain(expected);
  });
});
