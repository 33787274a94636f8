/**
 * Memristor device model: what conductance a cell gets when programmed to a target, how it drifts,
 * how noisy each read is, and which cells are stuck. Conductances in siemens, times in seconds.
 * Presets with cited values are in `presets.ts`; `docs/sources.md` holds the sources.
 */

/** Cycle-to-cycle programming error: the programmed conductance given the target. */
export type ProgrammingError =
  | { kind: 'none' }
  /** Gaussian, sigma = sigmaAbs + sigmaRel * G_target (state-independent when sigmaRel = 0). */
  | { kind: 'gaussian'; sigmaAbs: number; sigmaRel: number }
  /**
   * Gaussian with state-dependent sigma from a polynomial fit (aihwkit style):
   * sigma(G) = scale * (gMax / gRef) * sum_i coeffs[i] * x^i microsiemens, x = G_target / gMax.
   * `scale` (default 1) is aihwkit's prog_noise_scale knob, for sweeps.
   */
  | { kind: 'polynomial'; coeffs: number[]; gRef: number; scale?: number }
  /** Log-normal stochasticity: G = G_target * exp(sigmaLog * N(0,1)) (unverified one-shot programming). */
  | { kind: 'lognormal'; sigmaLog: number };

/** Noise of one read: drawn fresh for every input vector, independent per cell. */
export type ReadNoise = { kind: 'none' } | { kind: 'relative'; sigmaRel: number };

/** Conductance drift G(t) = G(t0) (t / t0)^-nu, nu drawn per cell. */
export type Drift =
  | { kind: 'none' }
  /** nu ~ |N(nuMean, nuStd)| for every cell. */
  | { kind: 'constant'; nuMean: number; nuStd: number; t0: number }
  /**
   * PCM: nu mean and std depend on the target state (aihwkit PCMLikeNoiseModel), plus 1/f noise
   * accumulated up to time t: sigma = G * Qs(x) * sqrt(ln((t + tRead) / (2 tRead))).
   */
  | {
      kind: 'pcm';
      t0: number;
      tRead: number;
      nuMean: { a: number; b: number; min: number; max: number };
      nuStd: { a: number; b: number; min: number; max: number };
      qs: { c: number; exponent: number; max: number };
    };

/** Current-voltage relation of a cell: linear (ohmic) or I = G * v0 * sinh(V / v0). */
export type IvCurve = { kind: 'linear' } | { kind: 'sinh'; v0: number };

/**
 * Pulses a program-and-verify loop may spend on one cell when a config gives no `maxPulses`: an
 * illustrative budget, not a figure from a source (docs/sources.md section 13).
 */
export const DEFAULT_VERIFY_PULSES = 20;

export interface DeviceModel {
  name: string;
  /** Lowest and highest programmable conductance (siemens). */
  gMin: number;
  gMax: number;
  /** Number of distinguishable states between gMin and gMax; Infinity = analog. */
  levels: number;
  programming: ProgrammingError;
  readNoise: ReadNoise;
  drift: Drift;
  /** Fractions of cells stuck at gMin and at gMax (independent of the target). */
  stuckAtMin: number;
  stuckAtMax: number;
  iv: IvCurve;
  /**
   * Switching thresholds (V) of a threshold-switching device: its state changes only above `set`
   * (> 0) or below `reset` (< 0); reads must stay inside them. Absent: not modelled.
   */
  threshold?: { set: number; reset: number };
  /** Read voltage amplitude (V) and read pulse width (s) of one analog MVM. */
  readVoltage: number;
  readPulseWidth: number;
  /**
   * Program-and-verify: after each programming pulse the cell is read, and a cell further than
   * `tolerance` x (gMax - gMin) from its target is programmed again, up to `maxPulses` pulses in all.
   * Modelled at the level of its outcome: every pulse draws the programming error afresh, and the
   * cell keeps the first draw inside the band (or the last). Alibart et al., Nanotechnology 23,
   * 075201 (2012), tuned TiO2 devices to 1 % of their state this way. Absent: one-shot programming.
   */
  verify?: { tolerance: number; maxPulses: number };
}
