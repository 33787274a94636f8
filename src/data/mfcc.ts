/**
 * Mel-frequency cepstral coefficients (Davis & Mermelstein 1980), computed as in the HTK Book
 * (Young et al., ch. 5): pre-emphasis, framing, Hamming window, power spectrum (FFT via `fft.js`),
 * triangular filters equally spaced on the mel scale mel(f) = 2595 log10(1 + f/700), natural log
 * of the filter energies, orthonormal DCT-II, first C coefficients (c0 kept, no liftering).
 *
 * Defaults: 25 ms frames, 10 ms hop, 26 filters, 13 coefficients, pre-emphasis 0.97: the defaults of
 * python_speech_features (J. Lyons), which follow HTK's usual speech front end. At 8 kHz this is a
 * 200-sample frame, 80-sample hop and a 256-point FFT (31.25 Hz per bin).
 */
import FFT from 'fft.js';
import { UserError } from '../errors.js';

export interface MfccOptions {
  /** Frame length in seconds (default 0.025). */
  frameSeconds?: number;
  /** Hop between frame starts in seconds (default 0.010). */
  hopSeconds?: number;
  /** FFT size (power of two >= frame length; default the smallest such). */
  nfft?: number;
  /** Number of triangular mel filters (default 26). */
  numFilters?: number;
  /** Number of cepstral coefficients kept, c0..c(C-1) (default 13). */
  numCoeffs?: number;
  /** Pre-emphasis coefficient a in y[n] = x[n] - a x[n-1] (default 0.97; 0 disables). */
  preEmphasis?: number;
  /** Filterbank band edges in Hz (default 0 to sampleRate/2). */
  lowHz?: number;
  highHz?: number;
}

export interface MfccConfig {
  readonly sampleRate: number;
  readonly frameLength: number;
  readonly hopLength: number;
  readonly nfft: number;
  readonly numFilters: number;
  readonly numCoeffs: number;
  readonly preEmphasis: number;
  readonly lowHz: number;
  readonly highHz: number;
}

export function hzToMel(hz: number): number {
  return 2595 * Math.log10(1 + hz / 700);
}

export function melToHz(mel: number): number {
  return 700 * (10 ** (mel / 2595) - 1);
}

/** Symmetric Hamming window, w[i] = 0.54 - 0.46 cos(2 pi i / (n - 1)). */
export function hammingWindow(n: number): Float32Array {
  const w = new Float32Array(n);
  if (n === 1) {
    w[0] = 1;
    return w;
  }
  for (let i = 0; i < n; i++) w[i] = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (n - 1));
  return w;
}

export interface MelFilterbank {
  readonly numFilters: number;
  /** FFT bins per filter row: nfft/2 + 1. */
  readonly numBins: number;
  /** Row-major [numFilters, numBins] triangle weights (peak 1 at the centre frequency). */
  readonly weights: Float32Array;
  /** Centre frequency of each filter in Hz. */
  readonly centersHz: Float64Array;
  /** First and one-past-last bin with non-zero weight, per filter. */
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/**
 * Triangular filters on the mel scale: numFilters + 2 points equally spaced in mel between lowHz
 * and highHz; filter m rises from point m to point m+1 and falls to point m+2, evaluated at each
 * bin's frequency k * sampleRate / nfft (not rounded to bins, so narrow low filters stay non-empty).
 */
export function melFilterbank(numFilters: number, nfft: number, sampleRate: number, lowHz = 0, highHz = sampleRate / 2): MelFilterbank {
  if (!(lowHz >= 0 && highHz > lowHz && highHz <= sampleRate / 2)) {
    throw new UserError(`Mel filterbank band ${lowHz}-${highHz} Hz is invalid for sample rate ${sampleRate} Hz.`, 'Need 0 <= lowHz < highHz <= sampleRate/2.');
  }
  const numBins = nfft / 2 + 1;
  const lo = hzToMel(lowHz);
  const hi = hzToMel(highHz);
  const pts = new Float64Array(numFilters + 2);
  for (let i = 0; i < pts.length; i++) pts[i] = melToHz(lo + ((hi - lo) * i) / (numFilters + 1));
  const weights = new Float32Array(numFilters * numBins);
  const centersHz = new Float64Array(numFilters);
  const start = new Int32Array(numFilters);
  const end = new Int32Array(numFilters);
  for (let m = 0; m < numFilters; m++) {
    const [f0, f1, f2] = [pts[m], pts[m + 1], pts[m + 2]];
    centersHz[m] = f1;
    let first = -1;
    let last = -1;
    for (let k = 0; k < numBins; k++) {
      const f = (k * sampleRate) / nfft;
      const w = Math.max(0, Math.min((f - f0) / (f1 - f0), (f2 - f) / (f2 - f1)));
      if (w > 0) {
        weights[m * numBins + k] = w;
        if (first < 0) first = k;
        last = k;
      }
    }
    if (first < 0) {
      throw new UserError(
        `Mel filter ${m} (${f0.toFixed(1)}-${f2.toFixed(1)} Hz) covers no FFT bin at nfft=${nfft}, ${sampleRate} Hz.`,
        'Use fewer filters or a larger nfft.',
      );
    }
    start[m] = first;
    end[m] = last + 1;
  }
  return { numFilters, numBins, weights, centersHz, start, end };
}

/** Orthonormal DCT-II matrix, row-major [numCoeffs, n]: D[k][i] = s_k cos(pi k (2i + 1) / (2n)). */
export function dctMatrix(numCoeffs: number, n: number): Float32Array {
  const d = new Float32Array(numCoeffs * n);
  for (let k = 0; k < numCoeffs; k++) {
    const s = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let i = 0; i < n; i++) d[k * n + i] = s * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
  }
  return d;
}

/** Number of frames for `n` samples: 1 + floor((n - frame) / hop), and 1 for a signal shorter than a frame. */
export function frameCount(n: number, frameLength: number, hopLength: number): number {
  return n <= frameLength ? 1 : 1 + Math.floor((n - frameLength) / hopLength);
}

/** An MFCC front end for one sample rate, with its tables precomputed. */
export class Mfcc {
  readonly config: MfccConfig;
  readonly filterbank: MelFilterbank;
  private readonly window: Float32Array;
  private readonly dct: Float32Array;
  private readonly fft: FFT;
  private readonly frame: number[];
  private readonly spectrum: number[];
  private readonly power: Float64Array;

  constructor(sampleRate: number, opts: MfccOptions = {}) {
    const frameLength = Math.round((opts.frameSeconds ?? 0.025) * sampleRate);
    const hopLength = Math.round((opts.hopSeconds ?? 0.01) * sampleRate);
    const nfft = opts.nfft ?? 2 ** Math.ceil(Math.log2(frameLength));
    const numFilters = opts.numFilters ?? 26;
    const numCoeffs = opts.numCoeffs ?? 13;
    if (frameLength < 2 || hopLength < 1) {
      throw new UserError(`MFCC frame ${frameLength} / hop ${hopLength} samples at ${sampleRate} Hz is too short.`, 'Use longer frameSeconds/hopSeconds.');
    }
    if (nfft < frameLength || nfft < 4 || (nfft & (nfft - 1)) !== 0) {
      throw new UserError(`MFCC nfft ${nfft} must be a power of two >= the frame length (${frameLength} samples).`, 'Leave nfft unset to use the smallest valid one.');
    }
    if (!(numCoeffs >= 1 && numCoeffs <= numFilters)) {
      throw new UserError(`MFCC numCoeffs ${numCoeffs} must be between 1 and numFilters (${numFilters}).`, 'Use more filters or fewer coefficients.');
    }
    this.config = {
      sampleRate,
      frameLength,
      hopLength,
      nfft,
      numFilters,
      numCoeffs,
      preEmphasis: opts.preEmphasis ?? 0.97,
      lowHz: opts.lowHz ?? 0,
      highHz: opts.highHz ?? sampleRate / 2,
    };
    this.filterbank = melFilterbank(numFilters, nfft, sampleRate, this.config.lowHz, this.config.highHz);
    this.window = hammingWindow(frameLength);
    this.dct = dctMatrix(numCoeffs, numFilters);
    this.fft = new FFT(nfft);
    this.frame = new Array<number>(nfft).fill(0);
    this.spectrum = this.fft.createComplexArray() as number[];
    this.power = new Float64Array(nfft / 2 + 1);
  }

  /** Log mel filter energies, row-major [frames, numFilters]. */
  logMelEnergies(signal: Float32Array): { frames: number; data: Float32Array } {
    const { frameLength, hopLength, nfft, numFilters, preEmphasis } = this.config;
    const x = preEmphasise(signal, preEmphasis);
    const frames = frameCount(x.length, frameLength, hopLength);
    const data = new Float32Array(frames * numFilters);
    const fb = this.filterbank;
    for (let t = 0; t < frames; t++) {
      const s = t * hopLength;
      for (let i = 0; i < frameLength; i++) {
        const j = s + i;
        this.frame[i] = j < x.length ? x[j] * this.window[i] : 0;
      }
      // frame[frameLength..nfft) stays 0 (zero padding to the FFT size)
      this.fft.realTransform(this.spectrum, this.frame);
      for (let k = 0; k <= nfft / 2; k++) {
        const re = this.spectrum[2 * k];
        const im = this.spectrum[2 * k + 1];
        this.power[k] = (re * re + im * im) / nfft;
      }
      for (let m = 0; m < numFilters; m++) {
        let e = 0;
        const row = m * fb.numBins;
        for (let k = fb.start[m]; k < fb.end[m]; k++) e += fb.weights[row + k] * this.power[k];
        data[t * numFilters + m] = Math.log(Math.max(e, LOG_FLOOR));
      }
    }
    return { frames, data };
  }

  /** MFCCs, row-major [frames, numCoeffs]. */
  compute(signal: Float32Array): { frames: number; data: Float32Array } {
    const { numFilters, numCoeffs } = this.config;
    const mel = this.logMelEnergies(signal);
    const out = new Float32Array(mel.frames * numCoeffs);
    for (let t = 0; t < mel.frames; t++) {
      for (let k = 0; k < numCoeffs; k++) {
        let s = 0;
        for (let i = 0; i < numFilters; i++) s += this.dct[k * numFilters + i] * mel.data[t * numFilters + i];
        out[t * numCoeffs + k] = s;
      }
    }
    return { frames: mel.frames, data: out };
  }
}

/** Floor for filter energies before the log, so silence gives a finite value (ln 1e-10 = -23). */
const LOG_FLOOR = 1e-10;

function preEmphasise(x: Float32Array, a: number): Float32Array {
  if (a === 0) return x;
  const y = new Float32Array(x.length);
  if (x.length > 0) y[0] = x[0];
  for (let i = 1; i < x.length; i++) y[i] = x[i] - a * x[i - 1];
  return y;
}
