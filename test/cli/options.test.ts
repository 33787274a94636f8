import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { flagOverrides, parseLimit, parseModelOption, parseNumber, parseTile } from '../../src/cli/options.js';

describe('flag parsers', () => {
  it('numbers: decimal, exponent, negative; rejects words and blanks', () => {
    expect(parseNumber('3')).toBe(3);
    expect(parseNumber('1e-3')).toBe(0.001);
    expect(parseNumber('-3')).toBe(-3);
    for (const bad of ['abc', '', ' ', 'NaN', 'Infinity', '3x']) expect(() => parseNumber(bad), bad).toThrow(InvalidArgumentError);
  });

  it('--limit N applies to both splits, N,M to train and test', () => {
    expect(parseLimit('500')).toEqual({ train: 500, test: 500 });
    expect(parseLimit('500,200')).toEqual({ train: 500, test: 200 });
    for (const bad of ['a', '1,2,3', '1,b', '']) expect(() => parseLimit(bad), bad).toThrow(InvalidArgumentError);
  });

  it('--tile RxC, or N for a square tile', () => {
    expect(parseTile('128x64')).toEqual({ rows: 128, cols: 64 });
    expect(parseTile('256X256')).toEqual({ rows: 256, cols: 256 });
    expect(parseTile('64')).toEqual({ rows: 64, cols: 64 });
    for (const bad of ['', 'x', '128x', 'x128', '128x64x2', '12.5x3', 'big']) expect(() => parseTile(bad), bad).toThrow(InvalidArgumentError);
  });

  it('--model-option reads its value as YAML and accumulates', () => {
    const a = parseModelOption('hidden=[256, 128]');
    expect(a).toEqual({ hidden: [256, 128] });
    expect(parseModelOption('dropout=0.2', a)).toEqual({ hidden: [256, 128], dropout: 0.2 });
    expect(parseModelOption('name=relu')).toEqual({ name: 'relu' });
    expect(parseModelOption('bias=false')).toEqual({ bias: false });
    for (const bad of ['hidden', '=3', 'x=[1,']) expect(() => parseModelOption(bad), bad).toThrow(InvalidArgumentError);
  });
});

describe('flags to config overrides', () => {
  it('map each flag to its config path and name the flag', () => {
    const o = flagOverrides({ epochs: 3, batchSize: 16, dataDir: '/d', out: 'runs/x', limit: { train: 10, test: 5 } });
    expect(o).toEqual(
      expect.arrayContaining([
        { path: ['training', 'epochs'], value: 3, source: '--epochs' },
        { path: ['training', 'batchSize'], value: 16, source: '--batch-size' },
        { path: ['dataset', 'dir'], value: '/d', source: '--data-dir' },
        { path: ['output', 'dir'], value: 'runs/x', source: '--out' },
        { path: ['dataset', 'limit', 'train'], value: 10, source: '--limit' },
        { path: ['dataset', 'limit', 'test'], value: 5, source: '--limit' },
      ]),
    );
    expect(o).toHaveLength(6);
  });

  it('put names before what they reset: dataset before its folder, model before its options', () => {
    const o = flagOverrides({ modelOption: { hidden: [8] }, model: 'mlp', dataDir: '/d', dataset: 'mnist', momentum: 0.9, optimizer: 'sgd' });
    const at = (source: string) => o.findIndex((x) => x.source === source);
    expect(at('--dataset')).toBeLessThan(at('--data-dir'));
    expect(at('--model')).toBeLessThan(at('--model-option'));
    expect(at('--optimizer')).toBeLessThan(at('--momentum'));
  });

  it('map the hardware flags to the hardware and simulation sections', () => {
    const o = flagOverrides({ device: 'pcm', tile: { rows: 64, cols: 32 }, adcBits: 6, dacBits: 4, chips: 5, threads: 2, drift: 60, scheme: 'conventional' });
    expect(o).toEqual([
      { path: ['hardware', 'device', 'preset'], value: 'pcm', source: '--device' },
      { path: ['hardware', 'tile'], value: { rows: 64, cols: 32 }, source: '--tile' },
      { path: ['hardware', 'adc', 'bits'], value: 6, source: '--adc-bits' },
      { path: ['hardware', 'dac', 'bits'], value: 4, source: '--dac-bits' },
      { path: ['simulation', 'chips'], value: 5, source: '--chips' },
      { path: ['simulation', 'threads'], value: 2, source: '--threads' },
      { path: ['simulation', 'driftSeconds'], value: 60, source: '--drift' },
      { path: ['simulation', 'scheme'], value: 'conventional', source: '--scheme' },
    ]);
  });

  it('give nothing for no flags', () => {
    expect(flagOverrides({})).toEqual([]);
  });
});
