import { describe, expect, it } from 'vitest';
import { canonicalJson, configHash, jobHash, shortHash, shortJobHash, validateConfig } from '../../src/config/index.js';

const cfg = (doc: object) => validateConfig(doc, 'test');

describe('config hash', () => {
  const a = cfg({ dataset: { name: 'mnist' }, model: { name: 'mlp', options: { hidden: [32], dropout: 0.1 } }, training: { epochs: 2 } });

  it('ignores key order and spelled-out defaults', () => {
    const b = cfg({ training: { lr: 0.001, epochs: 2 }, model: { options: { dropout: 0.1, hidden: [32] }, name: 'mlp' }, dataset: { name: 'mnist' } });
    expect(configHash(b)).toBe(configHash(a));
  });

  it('ignores where results are written', () => {
    expect(configHash({ ...a, output: { dir: '/tmp/elsewhere' } })).toBe(configHash(a));
  });

  it('changes with anything that changes the trained model', () => {
    const variants = [
      { ...a, seed: a.seed + 1 },
      { ...a, training: { ...a.training, epochs: 3 } },
      { ...a, model: { ...a.model, options: { hidden: [33], dropout: 0.1 } } },
      { ...a, dataset: { ...a.dataset, limit: { train: 10 } } },
      { ...a, backend: 'cpu' as const },
    ];
    const hashes = new Set([configHash(a), ...variants.map(configHash)]);
    expect(hashes.size).toBe(variants.length + 1);
  });

  it('leaves out the hardware and the simulation: another ADC or more chips reuse the trained model', () => {
    const variants = [
      { ...a, hardware: { ...a.hardware, adc: { ...a.hardware.adc, bits: 4 } } },
      { ...a, hardware: { ...a.hardware, device: { preset: 'pcm' } } },
      { ...a, hardware: { ...a.hardware, tile: { rows: 64, cols: 64 } } },
      { ...a, simulation: { ...a.simulation, chips: 50, driftSeconds: 3600 } },
    ];
    for (const v of variants) expect(configHash(v)).toBe(configHash(a));
    // the same with the sections given in a file instead of defaulted
    const spelled = cfg({ dataset: { name: 'mnist' }, model: { name: 'mlp', options: { hidden: [32], dropout: 0.1 } }, training: { epochs: 2 }, hardware: { device: 'binary', adc: { bits: 3 } }, simulation: { chips: 2 } });
    expect(configHash(spelled)).toBe(configHash(a));
  });

  it('job hash: changes with the hardware and the simulation, not with output or threads', () => {
    const variants = [
      { ...a, hardware: { ...a.hardware, adc: { ...a.hardware.adc, bits: 4 } } },
      { ...a, hardware: { ...a.hardware, device: { preset: 'pcm' } } },
      { ...a, simulation: { ...a.simulation, chips: 50 } },
      { ...a, simulation: { ...a.simulation, scheme: 'other' } },
      { ...a, seed: a.seed + 1 },
    ];
    const hashes = new Set([jobHash(a), ...variants.map(jobHash)]);
    expect(hashes.size).toBe(variants.length + 1);
    expect(jobHash({ ...a, output: { dir: 'x' } })).toBe(jobHash(a));
    expect(jobHash({ ...a, simulation: { ...a.simulation, threads: 7 } })).toBe(jobHash(a));
    expect(jobHash(a)).not.toBe(configHash(a));
    expect(shortJobHash(a)).toBe(jobHash(a).slice(0, 12));
  });

  it('is 64 hex digits, and its short form is a 12-digit prefix', () => {
    expect(configHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(configHash(a).startsWith(shortHash(a))).toBe(true);
    expect(shortHash(a)).toHaveLength(12);
  });

  it('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
  });
});
