import { describe, expect, it } from 'vitest';
import {
  adcEnergy,
  adcLatency,
  cellArea,
  dacEnergy,
  defaultComponents,
  lookupBits,
  mergeComponents,
  validateComponents,
} from '../../src/cost/components.js';
import { UserError } from '../../src/errors.js';

/** Exact table entry (the test only asks for bits the table holds). */
function entry(table: readonly (readonly [number, number])[], bits: number): number {
  const row = table.find(([b]) => b === bits);
  if (!row) throw new Error(`no ${bits}-bit entry`);
  return row[1];
}

describe('lookupBits', () => {
  const table = [[4, 1], [6, 4], [8, 64]] as const;

  it('returns table entries exactly', () => {
    expect(lookupBits(table, 4)).toBe(1);
    expect(lookupBits(table, 6)).toBe(4);
    expect(lookupBits(table, 8)).toBe(64);
  });

  it('interpolates geometrically between entries', () => {
    // 4 -> 6 bits is x4, so x2 per bit; 6 -> 8 is x16, so x4 per bit
    expect(lookupBits(table, 5)).toBeCloseTo(2, 12);
    expect(lookupBits(table, 7)).toBeCloseTo(16, 12);
  });

  it('extrapolates with the edge ratio, or the given factor above the table', () => {
    expect(lookupBits(table, 3)).toBeCloseTo(0.5, 12); // below: x2 per bit of the first two entries
    expect(lookupBits(table, 9)).toBeCloseTo(256, 9); // above: x4 per bit of the last two entries
    expect(lookupBits(table, 10, 2)).toBeCloseTo(256, 9); // above with a factor of 2 per bit: 64 * 4
    expect(lookupBits([[8, 3]], 12)).toBe(3);
    expect(lookupBits([[8, 3]], 2)).toBe(3);
  });
});

describe('default component library', () => {
  const lib = defaultComponents();

  it('is valid', () => {
    expect(() => validateComponents(lib)).not.toThrow();
  });

  it('ADC energy grows with every bit, doubling beyond the table (Walden figure of merit)', () => {
    for (let b = 1; b < 16; b++) expect(adcEnergy(lib, b + 1)).toBeGreaterThan(adcEnergy(lib, b));
    for (const b of [4, 5, 6, 7, 8, 9, 10]) expect(adcEnergy(lib, b)).toBe(entry(lib.adc.energy, b));
    expect(adcEnergy(lib, 12)).toBeCloseTo(entry(lib.adc.energy, 10) * 4, 20);
    expect(lib.adc.energyPerBitAbove).toBe(2);
  });

  it('DAC energy grows with bits; a 1-bit driver costs the 1-bit entry', () => {
    for (let b = 1; b < 12; b++) expect(dacEnergy(lib, b + 1)).toBeGreaterThan(dacEnergy(lib, b));
    expect(dacEnergy(lib, 1)).toBe(entry(lib.dac.energy, 1));
  });

  it('cell area is areaF2 * F^2 and ADC latency is linear in bits', () => {
    expect(cellArea(lib)).toBeCloseTo(48 * (32e-9) ** 2, 25);
    expect(adcLatency(lib, 8)).toBeCloseTo(1 / 1.2e9, 20);
    expect(adcLatency(lib, 4)).toBeCloseTo(0.5 / 1.2e9, 20);
  });
});

describe('mergeComponents', () => {
  it('changes only the given fields and replaces tables whole', () => {
    const lib = mergeComponents(defaultComponents(), { adc: { energy: [[8, 5e-12]], latencyFixed: 1e-9 }, digital: { lanes: 4 } });
    expect(lib.adc.energy).toEqual([[8, 5e-12]]);
    expect(lib.adc.latencyFixed).toBe(1e-9);
    expect(lib.digital.lanes).toBe(4);
    expect(lib.adc.area).toEqual(defaultComponents().adc.area);
    expect(lib.dac).toEqual(defaultComponents().dac);
    expect(adcEnergy(lib, 10)).toBeCloseTo(5e-12 * 4, 24);
  });

  it('rejects unknown fields and bad values with a UserError', () => {
    // @ts-expect-error an unknown field
    expect(() => mergeComponents(defaultComponents(), { adc: { power: 1 } })).toThrow(UserError);
    expect(() => mergeComponents(defaultComponents(), { adc: { energy: [] } })).toThrow(/adc\.energy/);
    expect(() => mergeComponents(defaultComponents(), { adc: { energy: [[8, 1e-12], [6, 1e-12]] } })).toThrow(/ascending/);
    expect(() => mergeComponents(defaultComponents(), { buffer: { bandwidth: 0 } })).toThrow(/buffer\.bandwidth/);
    expect(() => mergeComponents(defaultComponents(), { digital: { energy: -1 } })).toThrow(/digital\.energy/);
    expect(() => mergeComponents(defaultComponents(), { digital: { lanes: 2.5 } })).toThrow(/digital\.lanes/);
  });
});
