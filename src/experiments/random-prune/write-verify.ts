/**
 * Conventional deployment of trained weights, for the baselines: each weight on a differential pair
 * of a write-verify programmed device (default the `rram` preset: 4-40 uS, 32 levels, aihwkit
 * ReRamWan2022 programming error, 1 % read noise).
 *
 * Mapping (per tensor): w_max = max |w|; G+ = gMin + (gMax - gMin) max(w, 0) / w_max and
 * G- = gMin + (gMax - gMin) max(-w, 0) / w_max; `programCells` quantises each target to the device's
 * levels and adds its programming error. The weight the chip computes with is
 * (G+ - G-) w_max / (gMax - gMin), and one read's noise has the multiplier
 * sqrt(G+^2 + G-^2) w_max / (gMax - gMin) (each cell read with relative noise sigma).
 */
import { Rng, hashSeed } from '../../engine/index.js';
import { type DeviceModel, programCells } from '../../device/index.js';

export interface ProgrammedTensor {
  /** The weights as programmed (same units as the input weights). */
  weight: Float32Array;
  gPlus: Float32Array;
  gMinus: Float32Array;
  /** Read-noise multiplier per weight (see the file comment). */
  noiseScale: Float32Array;
  wMax: number;
}

/** Programs one weight tensor onto differential pairs of `device` with write-verify; seeded by (seed, name). */
export function programWriteVerify(weights: Float32Array, device: DeviceModel, seed: number, name: string): ProgrammedTensor {
  const n = weights.length;
  let wMax = 0;
  for (let i = 0; i < n; i++) wMax = Math.max(wMax, Math.abs(weights[i]));
  const span = device.gMax - device.gMin;
  const tPlus = new Float32Array(n);
  const tMinus = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = wMax > 0 ? weights[i] / wMax : 0;
    tPlus[i] = device.gMin + span * Math.max(u, 0);
    tMinus[i] = device.gMin + span * Math.max(-u, 0);
  }
  const rng = new Rng(hashSeed(seed, 'write-verify', name));
  const gPlus = programCells(device, tPlus, rng.fork('plus')).g;
  const gMinus = programCells(device, tMinus, rng.fork('minus')).g;
  const weight = new Float32Array(n);
  const noiseScale = new Float32Array(n);
  const k = wMax > 0 ? wMax / span : 0;
  for (let i = 0; i < n; i++) {
    weight[i] = (gPlus[i] - gMinus[i]) * k;
    noiseScale[i] = Math.hypot(gPlus[i], gMinus[i]) * k;
  }
  return { weight, gPlus, gMinus, noiseScale, wMax };
}
