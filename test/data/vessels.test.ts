import { describe, expect, it } from 'vitest';
import { generateVessels, vesselFovMask } from '../../src/data/vessels.js';

describe('synthetic vessel images', () => {
  const a = generateVessels({ train: 12, test: 4, seed: 5 });

  it('has image and per-pixel label shapes for segmentation', () => {
    expect(a.train.sampleShape).toEqual([64, 64, 1]);
    expect(a.train.labelShape).toEqual([64, 64]);
    expect(a.train.numClasses).toBe(2);
    expect(a.train.x.length).toBe(12 * 64 * 64);
    expect(a.train.y.length).toBe(12 * 64 * 64);
    expect(a.train.y.every((v) => v === 0 || v === 1)).toBe(true);
    expect(a.train.x.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('is reproducible from the seed; other seeds and the two splits give other images', () => {
    const b = generateVessels({ train: 12, test: 4, seed: 5 });
    expect(b.train.x).toEqual(a.train.x);
    expect(b.train.y).toEqual(a.train.y);
    const c = generateVessels({ train: 12, test: 4, seed: 6 });
    expect(c.train.x).not.toEqual(a.train.x);
    expect(c.train.y).not.toEqual(a.train.y);
    expect(a.test.y).not.toEqual(a.train.y.subarray(0, a.test.y.length));
  });

  it('image i does not depend on how many images are generated', () => {
    const few = generateVessels({ train: 3, test: 0, seed: 5 });
    expect(few.train.x).toEqual(a.train.x.subarray(0, 3 * 4096));
  });

  it('labels a non-trivial fraction of each field of view, nothing outside it', () => {
    const fov = vesselFovMask(64, 64);
    const fovPixels = fov.reduce((s, v) => s + v, 0);
    expect(fovPixels / 4096).toBeGreaterThan(0.6);
    for (let i = 0; i < a.train.length; i++) {
      const y = a.train.y.subarray(i * 4096, (i + 1) * 4096);
      let inside = 0;
      for (let p = 0; p < 4096; p++) {
        if (fov[p]) inside += y[p];
        else expect(y[p]).toBe(0);
      }
      expect(inside / fovPixels).toBeGreaterThan(0.03);
      expect(inside / fovPixels).toBeLessThan(0.35);
    }
  });

  it('vessel pixels are darker than background pixels inside the field of view', () => {
    const fov = vesselFovMask(64, 64);
    for (let i = 0; i < a.train.length; i++) {
      let vs = 0, vn = 0, bs = 0, bn = 0;
      for (let p = 0; p < 4096; p++) {
        if (!fov[p]) continue;
        const v = a.train.x[i * 4096 + p];
        if (a.train.y[i * 4096 + p]) {
          vs += v;
          vn++;
        } else {
          bs += v;
          bn++;
        }
      }
      expect(vs / vn).toBeLessThan(bs / bn - 0.05);
    }
  });

  it('supports other sizes and rejects bad options', () => {
    const r = generateVessels({ height: 48, width: 80, train: 2, test: 1, seed: 1 });
    expect(r.train.sampleShape).toEqual([48, 80, 1]);
    expect(r.train.labelShape).toEqual([48, 80]);
    expect(r.train.y.some((v) => v === 1)).toBe(true);
    expect(() => generateVessels({ height: 8 })).toThrow(/at least 16x16/);
    expect(() => generateVessels({ train: -1 })).toThrow(/train must be a non-negative integer/);
  });
});
