import { describe, expect, it } from 'vitest';
import { formatArea, formatSi } from '../../src/cost/format.js';

describe('formatSi', () => {
  it('picks the prefix that puts the number in [1, 1000)', () => {
    expect(formatSi(1.234e-11, 'J')).toBe('12.3 pJ');
    expect(formatSi(4.56e-9, 'J')).toBe('4.56 nJ');
    expect(formatSi(7.5e-6, 'J')).toBe('7.50 uJ');
    expect(formatSi(1.25e-7, 's')).toBe('125 ns');
    expect(formatSi(0.0031, 's')).toBe('3.10 ms');
    expect(formatSi(2.5e6, '')).toBe('2.50 M');
    expect(formatSi(0, 'J')).toBe('0 J');
  });
});

describe('formatArea', () => {
  it('uses um^2 for small areas and mm^2 for large ones', () => {
    expect(formatArea(1200e-12)).toBe('1200 um^2');
    expect(formatArea(0.0491e-12)).toBe('0.0491 um^2');
    expect(formatArea(17500e-12)).toBe('0.0175 mm^2');
    expect(formatArea(0)).toBe('0');
    expect(formatArea(0.372e-6)).toBe('0.372 mm^2');
    expect(formatArea(85.4e-6)).toBe('85.4 mm^2');
  });
});
