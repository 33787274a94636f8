import { describe, expect, it } from 'vitest';
import { count, pct, pctMeanStd } from '../../src/experiments/common/index.js';

describe('report number formats', () => {
  it('pct: a fraction as a percentage with two decimals (or as asked), "-" when not finite', () => {
    expect(pct(0.5)).toBe('50.00%');
    expect(pct(0.12345)).toBe('12.35%');
    expect(pct(1, 0)).toBe('100%');
    expect(pct(0.0042, 1)).toBe('0.4%');
    expect(pct(NaN)).toBe('-');
    expect(pct(Infinity)).toBe('-');
  });

  it('pctMeanStd: mean ± std in percent, no ± part for a single chip (std NaN)', () => {
    expect(pctMeanStd({ mean: 0.9712, std: 0.0035 })).toBe('97.12 ± 0.35%');
    expect(pctMeanStd({ mean: 0.9, std: NaN })).toBe('90.00%');
    expect(pctMeanStd({ mean: 1, std: 0 })).toBe('100.00 ± 0.00%');
  });

  it('count: plain below a thousand, k with one decimal, M with two', () => {
    expect(count(0)).toBe('0');
    expect(count(950)).toBe('950');
    expect(count(1000)).toBe('1.0k');
    expect(count(12_345)).toBe('12.3k');
    expect(count(1_250_000)).toBe('1.25M');
  });
});
