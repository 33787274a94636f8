import { describe, expect, it } from 'vitest';
import { prAuc, rocAuc } from '../../src/experiments/random-prune/auc.js';
import { UserError } from '../../src/errors.js';

describe('random-prune AUC', () => {
  it('ROC AUC of a hand example: 3 of 4 positive-negative pairs ordered right', () => {
    // positives 0.9, 0.7; negatives 0.8, 0.6: (0.9>0.8) (0.9>0.6) (0.7<0.8) (0.7>0.6) -> 3/4
    expect(rocAuc([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])).toBeCloseTo(0.75, 12);
  });

  it('ROC AUC counts a tied positive-negative pair as one half', () => {
    // pairs: (0.5 vs 0.5) tie -> 0.5, (0.5 vs 0.1) -> 1: (0.5 + 1) / 2
    expect(rocAuc([0.5, 0.5, 0.1], [1, 0, 0])).toBeCloseTo(0.75, 12);
  });

  it('PR AUC of a hand example (trapezoid, as np.trapz over precision_recall_curve)', () => {
    // thresholds 0.9: P 1, R 0.5; 0.8: P 0.5, R 0.5; 0.7: P 2/3, R 1 (full recall: stop).
    // Points (R, P): (0, 1) (0.5, 1) (0.5, 0.5) (1, 2/3): 0.5 * 1 + 0 + 0.5 * (0.5 + 2/3) / 2
    expect(prAuc([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])).toBeCloseTo(0.5 + 0.25 * (0.5 + 2 / 3), 12);
  });

  it('perfect and inverted rankings', () => {
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(prAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(0);
    // inverted: thresholds 0.9 (P 0, R 0), 0.8 (P 0, R 0), 0.2 (P 1/3, R 0.5), 0.1 (P 1/2, R 1)
    // (0,1)->(0,0)->(0,0)->(0.5,1/3)->(1,1/2): 0.5*(0+1/3)/2 + 0.5*(1/3+1/2)/2
    expect(prAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBeCloseTo(0.25 * (1 / 3) + 0.25 * (1 / 3 + 1 / 2), 12);
  });

  it('rejects one-class data and bad labels', () => {
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow(UserError);
    expect(() => prAuc([0.1, 0.2], [1, 2])).toThrow(UserError);
    expect(() => rocAuc([0.1], [1, 0])).toThrow(UserError);
  });
});
