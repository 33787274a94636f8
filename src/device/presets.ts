/**
 * Device presets. Every number cites its source; `docs/sources.md` gives repository, path and symbol.
 */
import { UserError } from '../errors.js';
import type { DeviceModel } from './model.js';

const uS = 1e-6;

// Read conditions shared by the RRAM presets: NeuroSim V1.3 Param.cpp, readVoltage = 0.5 V,
// readPulseWidth = 10 ns.
const NEUROSIM_READ = { readVoltage: 0.5, readPulseWidth: 10e-9 };

/** No drift, no stuck cells, ohmic cells: what a preset has unless it says otherwise. */
const STABLE = { drift: { kind: 'none' }, stuckAtMin: 0, stuckAtMax: 0, iv: { kind: 'linear' } } as const;

/** Every non-ideality off: exact conductances, analog levels. For checking the mapping itself. */
const ideal: DeviceModel = {
  name: 'ideal',
  gMin: 0,
  gMax: 40 * uS,
  levels: Infinity,
  programming: { kind: 'none' },
  readNoise: { kind: 'none' },
  ...STABLE,
  ...NEUROSIM_READ,
};

/**
 * HfO2-like 1T1R RRAM with write-verify (NeuRRAM-like).
 * - gMax 40 uS: aihwkit ReRamWan2022NoiseModel reference g_max (fit to Wan et al., Nature 2022).
 * - gMin = gMax / 10: on/off ratio 10, DNN_NeuroSim V1.3 inference.py default --onoffratio 10.
 * - 32 levels: Yao et al., Nature 2020, 32 distinguishable conductance states (TaOx/HfOx 1T1R).
 * - Programming error: aihwkit ReRamWan2022NoiseModel, t = 1 s polynomial
 *   sigma = 0.348 + 16.030x - 43.853x^2 + 45.393x^3 - 16.815x^4 uS, x = G/gMax.
 * - Read noise about 1 % of G per read: aihwkit ReRamWan2022NoiseModel docstring.
 * - Stuck-at faults off by default; MNSIM 2.0 SimConfig.ini uses 9 % stuck-at-HRS, 1 % stuck-at-LRS.
 * - RRAM drift as a power law is not given by these sources: off.
 */
const rram: DeviceModel = {
  name: 'rram',
  gMin: 4 * uS,
  gMax: 40 * uS,
  levels: 32,
  programming: { kind: 'polynomial', coeffs: [0.348, 16.03, -43.853, 45.393, -16.815], gRef: 40 * uS },
  readNoise: { kind: 'relative', sigmaRel: 0.01 },
  ...STABLE,
  ...NEUROSIM_READ,
};

/**
 * PCM, aihwkit PCMLikeNoiseModel (Nandakumar et al. ICECS 2019; Joshi et al. Nat. Commun. 2020):
 * g_max 25 uS, g_min 0 (SinglePairConductanceConverter), programming sigma polynomial
 * [0.26348, 1.9650, -1.1731] uS at reference 25 uS, drift nu mean = clip(-0.0155 ln x + 0.0244,
 * 0.049, 0.1), nu std = clip(-0.0125 ln x - 0.0059, 0.008, 0.045), t0 = 20 s, 1/f noise
 * Qs = min(0.0088 / x^0.65, 0.2), t_read = 250 ns. Analog (no level quantisation in aihwkit).
 */
const pcm: DeviceModel = {
  name: 'pcm',
  gMin: 0,
  gMax: 25 * uS,
  levels: Infinity,
  programming: { kind: 'polynomial', coeffs: [0.26348, 1.965, -1.1731], gRef: 25 * uS },
  readNoise: { kind: 'none' },
  drift: {
    kind: 'pcm',
    t0: 20,
    tRead: 250e-9,
    nuMean: { a: -0.0155, b: 0.0244, min: 0.049, max: 0.1 },
    nuStd: { a: -0.0125, b: -0.0059, min: 0.008, max: 0.045 },
    qs: { c: 0.0088, exponent: 0.65, max: 0.2 },
  },
  stuckAtMin: 0,
  stuckAtMax: 0,
  iv: { kind: 'linear' },
  ...NEUROSIM_READ,
};

/**
 * Binary cells: two states only (low / high resistance), for binary networks.
 * Range as MNSIM 2.0 SimConfig.ini Device_Resistance 1.5e5 / 3e4 ohm (6.67 / 33.3 uS) with
 * Device_Variation 5 % (taken as a relative sigma of the programmed conductance).
 */
const binary: DeviceModel = {
  name: 'binary',
  gMin: 1 / 1.5e5,
  gMax: 1 / 3e4,
  levels: 2,
  programming: { kind: 'gaussian', sigmaAbs: 0, sigmaRel: 0.05 },
  readNoise: { kind: 'none' },
  ...STABLE,
  readVoltage: 0.5, // MNSIM 2.0 Read_Voltage 0.5 V
  readPulseWidth: 3.16e-9, // MNSIM 2.0 Read_Latency 3.16 ns
};

/**
 * One-shot, no-verify electroformed RRAM whose conductances are random (the random-resistive-memory
 * pruning paper's 40 nm TaOx macro). RECONSTRUCTION: the measured distribution is not public
 * (docs/sources.md section 6).
 * - Forming target 50 uS: breakdown is declared at R < 20 kOhm in the same group's forming protocol
 *   (Echo-state graph network, Nat. Mach. Intell. 2023, Extended Data Fig. 1).
 * - gMin 0.1 uS: pristine cells are about 10 MOhm (same source).
 * - Log-normal spread sigmaLog = 0.5: our assumption ("tens of microsiemens", PAPERS.md), not a measured value.
 * - Read noise 1 % per read: as `rram` (aihwkit ReRamWan2022NoiseModel docstring).
 * - gMax 200 uS: a ceiling for the log-normal tail (NeuroSim V1.3 R_on 6 kOhm is 167 uS), not a programmed level.
 */
const rramRandom: DeviceModel = {
  name: 'rram-random',
  gMin: 0.1 * uS,
  gMax: 200 * uS,
  levels: Infinity,
  programming: { kind: 'lognormal', sigmaLog: 0.5 },
  readNoise: { kind: 'relative', sigmaRel: 0.01 },
  ...STABLE,
  ...NEUROSIM_READ,
};

/**
 * SBT: the threshold-switching Sr(Ba)TiO3 nanometer-film memristor of Guo, Dou et al. (Shandong
 * University of Science and Technology), the device of Guo et al., Cogn. Neurodyn. 18:233-245, 2024
 * (docs/sources.md section 7). The group's device papers (Nonlinear Dyn. 2018, doi
 * 10.1007/s11071-018-4284-0; Int. J. Bifurc. Chaos 29(07):1950097, 2019) are reachable only as
 * abstracts/introductions here: no conductance range, levels, variability or thresholds were found.
 * RECONSTRUCTION, every value a stand-in:
 * - gMin, gMax, 32 levels, programming error, 1 % read noise: as `rram` (same sources: aihwkit
 *   ReRamWan2022NoiseModel, NeuroSim on/off 10, Yao et al. 2020), an oxide film under write-verify.
 * - threshold +-1.5 V: the one property the paper names ("good thresholding property"). Placed midway
 *   between the V/2 half-select disturb voltage (1 V) and the full write voltage (2 V) of NeuroSim
 *   V1.3 Param.cpp writeVoltage = 2 V, so that half-selected cells and 0.5 V reads never switch.
 * - Retention/drift: not published; none.
 */
const sbt: DeviceModel = {
  ...rram,
  name: 'sbt',
  threshold: { set: 1.5, reset: -1.5 },
};

/** The conductance a one-shot forming pulse aims at on the `rram-random` device (see its comment). */
export const RRAM_RANDOM_FORMING_TARGET = 50 * uS;

export const presets: Record<string, DeviceModel> = { ideal, rram, pcm, binary, 'rram-random': rramRandom, sbt };

export function presetNames(): string[] {
  return Object.keys(presets);
}

/** A copy of a preset, with overrides applied. */
export function devicePreset(name: string, overrides: Partial<DeviceModel> = {}): DeviceModel {
  const base = presets[name];
  if (!base) {
    throw new UserError(`unknown device preset '${name}'`, `known presets: ${presetNames().join(', ')}`);
  }
  return structuredClone({ ...base, ...overrides });
}
