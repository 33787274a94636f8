import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { UserError } from '../../src/errors.js';
import {
  AT_LEAST, FROM_MIN, checkDistinct, checkInt, checkInts, checkList, checkPositive, dataEnv, takeSplits, withDefaults,
} from '../../src/experiments/common/index.js';

/** `fn` throws a UserError with this message (and this hint, when one is given). */
function expectUserError(fn: () => void, message: string, hint?: string): void {
  expect(fn).toThrow(UserError);
  expect(fn).toThrow(expect.objectContaining({ message, ...(hint !== undefined && { hint }) }));
}

describe('withDefaults', () => {
  const defaults = { list: [1, 2], tile: { rows: 4, cols: 8 }, name: 'rram', n: 3 };

  it('fills in what is missing and keeps what is given, in the defaults key order', () => {
    const r = withDefaults({ n: 7, name: undefined }, defaults);
    expect(r).toEqual({ list: [1, 2], tile: { rows: 4, cols: 8 }, name: 'rram', n: 7 });
    expect(Object.keys(r)).toEqual(['list', 'tile', 'name', 'n']);
  });

  it('keeps zero, false and empty values (only undefined and null take the default)', () => {
    const d = { a: 5, b: true, c: 'x', e: [9] };
    expect(withDefaults({ a: 0, b: false, c: '', e: [] }, d)).toEqual({ a: 0, b: false, c: '', e: [] });
  });

  it('copies default arrays and objects, so that editing a result leaves the defaults alone', () => {
    const r = withDefaults({}, defaults);
    r.list.push(3);
    r.tile.rows = 99;
    expect(defaults).toEqual({ list: [1, 2], tile: { rows: 4, cols: 8 }, name: 'rram', n: 3 });
    expect(withDefaults({}, defaults).list).toEqual([1, 2]);
  });

  it('takes a given array as it is', () => {
    const list = [5];
    expect(withDefaults({ list }, defaults).list).toBe(list);
  });

  it('reads only the defaults keys', () => {
    const opts: { n?: number; seed?: number } = { n: 1, seed: 42 };
    expect(withDefaults(opts, { n: 3 })).toEqual({ n: 1 });
  });
});

describe('checkInt', () => {
  it('accepts whole numbers in range, bounds included', () => {
    for (const v of [1, 5, 8]) expect(() => checkInt('x', 'bits', v, 1, 8)).not.toThrow();
    expect(() => checkInt('x', 'chips', 1e6, 1)).not.toThrow();
  });

  it('rejects fractions, out-of-range values, NaN and non-numbers with the experiment prefix', () => {
    for (const v of [0, 9, 2.5, NaN, '3', undefined]) expect(() => checkInt('x', 'bits', v, 1, 8)).toThrow(UserError);
    expectUserError(() => checkInt('bnn', 'dac-bits', 30, 1, 24), "bnn: 'dac-bits' must be a whole number from 1 to 24, got 30", 'e.g. --dac-bits 2');
  });

  it('FROM_MIN words an open range as "from min" and stops at the largest safe integer', () => {
    expectUserError(() => checkInt('prune-quant', 'chips', 0, 1), "prune-quant: 'chips' must be a whole number from 1, got 0", 'e.g. --chips 2');
    expect(() => checkInt('p', 'chips', 2 ** 60, 1)).toThrow(UserError);
  });

  it('AT_LEAST words an open range as ">= min", has no upper bound, and hints at least 1', () => {
    expectUserError(() => checkInt('idm', 'seed', -1, 0, undefined, AT_LEAST), "idm: 'seed' must be a whole number >= 0, got -1", 'e.g. --seed 1');
    expectUserError(() => checkInt('idm', 'depths', 13, 1, 12, AT_LEAST), "idm: 'depths' must be a whole number from 1 to 12, got 13");
    expect(() => checkInt('idm', 'chips', 2 ** 60, 1, undefined, AT_LEAST)).not.toThrow();
  });

  it('takes a custom hint', () => {
    const wording = { ...FROM_MIN, hint: (name: string) => `e.g. ${name}: 4` };
    expectUserError(() => checkInt('rp', 'epochs', 0, 1, undefined, wording), "rp: 'epochs' must be a whole number from 1, got 0", 'e.g. epochs: 4');
  });

  it('checkInts checks in order: the first bad entry is reported', () => {
    expect(() => checkInts('x', [['a', 1, 1], ['b', 2, 1, 2]])).not.toThrow();
    expectUserError(() => checkInts('x', [['a', 1, 1], ['b', 0, 1], ['c', -5, 1]]), "x: 'b' must be a whole number from 1, got 0");
  });
});

describe('checkPositive', () => {
  it('accepts finite numbers above zero', () => {
    for (const v of [1e-9, 0.003, 2]) expect(() => checkPositive('x', 'lr', v)).not.toThrow();
  });

  it('rejects zero, negatives, infinity, NaN and non-numbers', () => {
    for (const v of [0, -0.1, Infinity, NaN, '0.1', null]) expect(() => checkPositive('x', 'lr', v)).toThrow(UserError);
    expectUserError(() => checkPositive('hypernet', 'fine-tune-lr', 0), "hypernet: 'fine-tune-lr' must be a positive number, got 0", 'e.g. 0.003');
    expectUserError(() => checkPositive('idm', 'lr', -1, 'e.g. --lr 0.001'), "idm: 'lr' must be a positive number, got -1", 'e.g. --lr 0.001');
  });
});

describe('checkDistinct and checkList', () => {
  it('checkDistinct names the repeated item', () => {
    expect(() => checkDistinct('x', 'network', ['mlp', 'cnn'])).not.toThrow();
    expectUserError(() => checkDistinct('bnn', 'fault rate', [0, 0.01, 0]), 'bnn: a fault rate is listed twice: 0,0.01,0', 'give each fault rate once');
  });

  const names = { allowed: ['a', 'b', 'c'], invalid: 'names must be some of a, b, c', hint: 'e.g. --names a,b', item: 'name' };

  it('accepts a non-empty list of allowed values', () => {
    expect(() => checkList('x', ['c', 'a'], names)).not.toThrow();
  });

  it('rejects an empty list, a value not allowed, and a non-list with the invalid message', () => {
    for (const bad of [[], ['a', 'd'], 'a' as unknown as string[]]) {
      expectUserError(() => checkList('x', bad, names), `x: names must be some of a, b, c, got ${JSON.stringify(bad)}`, 'e.g. --names a,b');
    }
  });

  it('reports a repeated value separately when the rule names its item, else with the invalid message', () => {
    expectUserError(() => checkList('x', ['a', 'a'], names), 'x: a name is listed twice: a,a');
    const together = { ...names, item: undefined };
    expectUserError(() => checkList('x', ['a', 'a'], together), 'x: names must be some of a, b, c, got ["a","a"]');
  });

  it('takes a test of one value', () => {
    const rule = { allowed: (v: number) => v >= 0 && v < 1, invalid: 'fractions from 0 to below 1', hint: 'e.g. 0,0.5' };
    expect(() => checkList('x', [0, 0.5], rule)).not.toThrow();
    expectUserError(() => checkList('x', [0, 1], rule), 'x: fractions from 0 to below 1, got [0,1]');
  });
});

describe('data helpers', () => {
  it('dataEnv sets XBARNET_DATA_DIR only when a data root is given, over the given environment', () => {
    const env = { XBARNET_DATA_DIR: '/old', OTHER: '1' };
    expect(dataEnv(env, '/data')).toEqual({ XBARNET_DATA_DIR: '/data', OTHER: '1' });
    expect(dataEnv(env, undefined)).toEqual(env);
    expect(env.XBARNET_DATA_DIR).toBe('/old');
    expect(dataEnv(undefined, undefined)).toEqual({ ...process.env });
  });

  it('takeSplits keeps the first samples of each split', () => {
    const ds = (n: number): Dataset => ({
      name: 't', length: n, sampleShape: [2], labelShape: [], numClasses: 2,
      x: Float32Array.from({ length: 2 * n }, (_, i) => i), y: Int32Array.from({ length: n }, (_, i) => i % 2),
    }) as Dataset;
    const s = takeSplits({ train: ds(10), test: ds(4) }, { trainSamples: 3, testSamples: 9 });
    expect(s.train.length).toBe(3);
    expect(Array.from(s.train.x)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(s.train.y)).toEqual([0, 1, 0]);
    expect(s.test.length).toBe(4);
  });
});
