/**
 * Programming, drift and read statistics of cells, per device model. Plain Float32Array loops:
 * one pass per chip, seeded by the chip's Rng, so a chip is reproducible from (config, seed).
 */
import type { Rng } from '../engine/rng.js';
import type { DeviceModel } from './model.js';

/** The nearest of `levels` equally spaced states in [gMin, gMax] (levels = Infinity: unchanged). */
export function quantizeConductance(dev: DeviceModel, g: number): number {
  const clipped = Math.min(dev.gMax, Math.max(dev.gMin, g));
  if (!Number.isFinite(dev.levels)) return clipped;
  const step = (dev.gMax - dev.gMin) / (dev.levels - 1);
  return dev.gMin + Math.round((clipped - dev.gMin) / step) * step;
}

/** Standard deviation (siemens) of the programming error for a target conductance. */
export function programmingSigma(dev: DeviceModel, gTarget: number): number {
  const p = dev.programming;
  switch (p.kind) {
    case 'none':
    case 'lognormal':
      return 0;
    case 'gaussian':
      return p.sigmaAbs + p.sigmaRel * Math.abs(gTarget);
    case 'polynomial': {
      const x = gTarget / dev.gMax;
      let s = 0;
      for (let i = p.coeffs.length - 1; i >= 0; i--) s = s * x + p.coeffs[i];
      // the fit is in microsiemens at the reference range; rescale to this device's range
      return Math.max(0, s) * 1e-6 * (dev.gMax / p.gRef) * (p.scale ?? 1);
    }
  }
}

export interface ProgrammedCells {
  /** Conductance after programming (and faults), siemens. */
  g: Float32Array;
  /** 0 = healthy, 1 = stuck at gMin, 2 = stuck at gMax. */
  fault: Uint8Array;
}

/**
 * Program every cell: quantise the target to the device's levels, add the programming error
 * (clamped at 0 S, as aihwkit does; with `dev.verify`, drawn again until within its band), then
 * apply stuck-at faults (which no verify loop repairs).
 */
export function programCells(dev: DeviceModel, target: Float32Array, rng: Rng): ProgrammedCells {
  const n = target.length;
  const g = new Float32Array(n);
  const fault = new Uint8Array(n);
  const p = dev.programming;
  const verify = dev.verify;
  const band = verify ? verify.tolerance * (dev.gMax - dev.gMin) : Infinity;
  const maxPulses = verify?.maxPulses ?? 1;
  for (let i = 0; i < n; i++) {
    const t = quantizeConductance(dev, target[i]);
    const sigma = p.kind === 'none' || p.kind === 'lognormal' ? 0 : programmingSigma(dev, t);
    let v = t;
    // one pulse, or (program-and-verify) pulses until the cell reads within the band of its target
    for (let pulse = 1; pulse <= maxPulses; pulse++) {
      if (p.kind === 'lognormal') v = t * Math.exp(p.sigmaLog * rng.normal());
      else if (p.kind !== 'none') v = t + sigma * rng.normal();
      v = v > 0 ? v : 0;
      if (p.kind === 'none' || Math.abs(v - t) <= band) break;
    }
    g[i] = v;
  }
  if (dev.stuckAtMin > 0 || dev.stuckAtMax > 0) {
    const faultRng = rng.fork('faults');
    for (let i = 0; i < n; i++) {
      const u = faultRng.uniform();
      if (u < dev.stuckAtMin) {
        g[i] = dev.gMin;
        fault[i] = 1;
      } else if (u < dev.stuckAtMin + dev.stuckAtMax) {
        g[i] = dev.gMax;
        fault[i] = 2;
      }
    }
  }
  return { g, fault };
}

function clip(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Conductance `tSeconds` after programming: G (t/t0)^-nu with nu per cell (and, for PCM, the
 * 1/f noise accumulated up to t). Stuck cells do not drift. t <= 0 returns a copy.
 */
export function driftCells(
  dev: DeviceModel,
  cells: ProgrammedCells,
  target: Float32Array,
  tSeconds: number,
  rng: Rng,
): Float32Array {
  const out = Float32Array.from(cells.g);
  const d = dev.drift;
  if (d.kind === 'none' || tSeconds <= 0) return out;
  const t = tSeconds + d.t0; // aihwkit: t counts from the end of programming, offset by t0
  const logRatio = Math.log(t / d.t0);
  for (let i = 0; i < out.length; i++) {
    if (cells.fault[i] !== 0) continue;
    let nuMean: number;
    let nuStd: number;
    if (d.kind === 'constant') {
      nuMean = d.nuMean;
      nuStd = d.nuStd;
    } else {
      const x = Math.max(Math.abs(target[i]) / dev.gMax, 1e-7);
      nuMean = clip(d.nuMean.a * Math.log(x) + d.nuMean.b, d.nuMean.min, d.nuMean.max);
      nuStd = clip(d.nuStd.a * Math.log(x) + d.nuStd.b, d.nuStd.min, d.nuStd.max);
    }
    const nu = Math.abs(nuMean + nuStd * rng.normal());
    let g = out[i] * Math.exp(-nu * logRatio);
    if (d.kind === 'pcm') {
      const xp = Math.abs(cells.g[i]) / dev.gMax;
      const qs = Math.min(d.qs.c / Math.max(Math.pow(xp, d.qs.exponent), 1e-3), d.qs.max);
      const sigma = qs * Math.sqrt(Math.log((tSeconds + d.tRead) / (2 * d.tRead)));
      g += Math.abs(g) * sigma * rng.normal();
    }
    out[i] = g > 0 ? g : 0;
  }
  return out;
}

/** Per-read noise standard deviation of each cell (siemens), for the output-referred noise form. */
export function readSigma(dev: DeviceModel, g: Float32Array): Float32Array | undefined {
  const r = dev.readNoise;
  if (r.kind === 'none' || r.sigmaRel === 0) return undefined;
  const s = new Float32Array(g.length);
  for (let i = 0; i < g.length; i++) s[i] = r.sigmaRel * Math.abs(g[i]);
  return s;
}

/** Cell current at voltage v for conductance g under the device's I-V curve. */
export function cellCurrent(dev: DeviceModel, g: number, v: number): number {
  return dev.iv.kind === 'linear' ? g * v : g * dev.iv.v0 * Math.sinh(v / dev.iv.v0);
}
