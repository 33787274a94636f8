import { describe, expect, it } from 'vitest';
import { PTM_32NM_HP, PTM_32NM_LP, transmissionGateSwitch } from '../../src/cost/switch-model.js';
import { defaultComponents, mergeComponents } from '../../src/cost/components.js';
import { UserError } from '../../src/errors.js';

describe('transmission-gate switch from the technology model', () => {
  const lp = transmissionGateSwitch(PTM_32NM_LP);

  it('gives figures of a 32 nm gate: sub-fJ to fJ per pass, a fraction of a um^2, ps delay', () => {
    // hand bounds: a few hundred aF of junction at 0.9 V; a 7.6F x 28F cell at F = 32 nm
    expect(lp.energy).toBeGreaterThan(0.1e-15);
    expect(lp.energy).toBeLessThan(5e-15);
    expect(lp.area).toBeCloseTo(7.6 * 28 * (32e-9) ** 2, 20);
    expect(lp.configBitArea).toBeCloseTo(12 * lp.area, 20);
    expect(lp.latency).toBeGreaterThan(0.1e-12);
    expect(lp.latency).toBeLessThan(20e-12);
  });

  it('the device widths fill the cell height in the ratio of the on-currents', () => {
    const { widthN, widthP } = lp.detail;
    expect(widthP / widthN).toBeCloseTo(600.2 / 400, 6);
    expect((widthN + widthP) / 32e-9).toBeCloseTo(28 - 3.5 - 2 * (1 + 0.8), 6);
  });

  it('scales as physics says: area with F^2; energy with Vdd^2 at fixed capacitance; HP is faster', () => {
    const big = transmissionGateSwitch({ ...PTM_32NM_LP, featureSize: 64e-9 });
    expect(big.area / lp.area).toBeCloseTo(4, 10);
    const hp = transmissionGateSwitch(PTM_32NM_HP);
    expect(hp.latency).toBeLessThan(lp.latency);
    // energy = 3 C_drain Vdd^2 with C_drain from the same junction model
    expect(lp.energy / (3 * lp.detail.capDrain * 0.81)).toBeCloseTo(1, 10);
  });

  it('is the default switch matrix, and stays overridable', () => {
    const lib = defaultComponents();
    expect(lib.switchMatrix).toEqual({ energy: lp.energy, area: lp.area, configBitArea: lp.configBitArea, latency: lp.latency });
    const over = mergeComponents(lib, { switchMatrix: { energy: 2e-15 } });
    expect(over.switchMatrix.energy).toBe(2e-15);
    expect(over.switchMatrix.area).toBe(lp.area);
    expect(() => mergeComponents(lib, { switchMatrix: { configBitArea: -1 } })).toThrowError(UserError);
  });
});
