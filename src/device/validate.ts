/** Checks a device model and explains what is wrong in terms a user can act on. */
import { UserError } from '../errors.js';
import type { DeviceModel } from './model.js';

/** A conductance or other physical value, readable: 4e-5, not 0.000039999999999999996. */
const num = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));

export function validateDevice(dev: DeviceModel): DeviceModel {
  const where = `device '${dev.name}'`;
  const bad = (what: string, fix: string): never => {
    throw new UserError(`${where}: ${what}`, fix);
  };
  if (!(dev.gMin >= 0)) bad(`gMin must be >= 0 S, got ${num(dev.gMin)}`, 'give conductances in siemens, e.g. gMin: 1e-6');
  if (!(dev.gMax > dev.gMin)) {
    bad(`gMin (${num(dev.gMin)} S) must be below gMax (${num(dev.gMax)} S)`, 'swap them or fix the units (siemens)');
  }
  if (dev.gMax > 1e-2) bad(`gMax ${num(dev.gMax)} S is above 10 mS; conductances are in siemens`, '40 uS is 40e-6');
  if (!(dev.levels >= 2)) bad(`levels must be at least 2, got ${dev.levels}`, 'use 2 for binary cells or Infinity for analog');
  if (Number.isFinite(dev.levels) && !Number.isInteger(dev.levels)) bad(`levels must be a whole number, got ${dev.levels}`, 'e.g. levels: 32');
  for (const [k, v] of [['stuckAtMin', dev.stuckAtMin], ['stuckAtMax', dev.stuckAtMax]] as const) {
    if (!(v >= 0 && v <= 1)) bad(`${k} is a fraction of cells in [0, 1], got ${v}`, 'e.g. 0.01 for 1 %');
  }
  if (dev.stuckAtMin + dev.stuckAtMax > 1) bad('stuckAtMin + stuckAtMax exceeds 1', 'lower the fault rates');
  if (!(dev.readVoltage > 0 && dev.readVoltage < 5)) bad(`readVoltage must be in (0, 5) V, got ${dev.readVoltage}`, 'e.g. 0.2');
  if (!(dev.readPulseWidth > 0)) bad(`readPulseWidth must be positive, got ${dev.readPulseWidth}`, 'e.g. 10e-9 s');
  const th = dev.threshold;
  if (th) {
    if (!(th.set > 0 && th.reset < 0)) bad(`threshold.set must be > 0 V and threshold.reset < 0 V, got ${th.set} / ${th.reset}`, 'e.g. set: 1.5, reset: -1.5');
    const limit = Math.min(th.set, -th.reset);
    if (!(dev.readVoltage < limit)) {
      bad(`readVoltage ${dev.readVoltage} V reaches the switching threshold (${limit} V): every read would reprogram the cells`, `read below ${limit} V, e.g. 0.5`);
    }
  }
  const p = dev.programming;
  if (p.kind === 'gaussian' && (p.sigmaAbs < 0 || p.sigmaRel < 0)) bad('programming sigma must be >= 0', 'e.g. sigmaRel: 0.05');
  if (p.kind === 'lognormal' && !(p.sigmaLog >= 0)) bad('programming sigmaLog must be >= 0', 'e.g. sigmaLog: 0.3');
  if (p.kind === 'polynomial' && (p.coeffs.length === 0 || !(p.gRef > 0))) bad('polynomial programming error needs coeffs and gRef > 0', 'see the pcm preset');
  if (p.kind === 'polynomial' && p.scale !== undefined && !(p.scale >= 0)) bad(`programming scale must be >= 0, got ${p.scale}`, 'e.g. scale: 2 for twice the noise');
  if (dev.readNoise.kind === 'relative' && !(dev.readNoise.sigmaRel >= 0)) bad('readNoise.sigmaRel must be >= 0', 'e.g. 0.01');
  if (dev.drift.kind !== 'none' && !(dev.drift.t0 > 0)) bad('drift t0 must be positive (s)', 'e.g. t0: 20');
  if (dev.iv.kind === 'sinh' && !(dev.iv.v0 > 0)) bad('iv.v0 must be positive (V)', 'e.g. v0: 0.25');
  const v = dev.verify;
  if (v) {
    if (!(v.tolerance > 0 && v.tolerance <= 1)) bad(`verify.tolerance is a fraction of the conductance range in (0, 1], got ${v.tolerance}`, 'e.g. tolerance: 0.01 (1 % of gMax - gMin)');
    if (!(Number.isInteger(v.maxPulses) && v.maxPulses >= 1 && v.maxPulses <= 1000)) {
      bad(`verify.maxPulses must be a whole number from 1 to 1000, got ${v.maxPulses}`, 'e.g. maxPulses: 20');
    }
  }
  return dev;
}
