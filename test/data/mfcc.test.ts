import { describe, expect, it } from 'vitest';
import wavefile from 'wavefile';
import { Rng } from '../../src/engine/rng.js';
import { Mfcc, dctMatrix, frameCount, hammingWindow, hzToMel, melFilterbank, melToHz } from '../../src/data/mfcc.js';
import { decodeWav } from '../../src/data/wav.js';
import { tone, wavBytes } from './fixtures.js';

describe('decodeWav', () => {
  it('scales 16-bit PCM by 1/32768', () => {
    const a = decodeWav(wavBytes([0, 16384, -32768, 32767]), 'a.wav');
    expect(a.sampleRate).toBe(8000);
    expect(Array.from(a.samples)).toEqual([0, 0.5, -1, Math.fround(32767 / 32768)]);
  });

  it('averages channels and centres 8-bit unsigned PCM', () => {
    const w = new wavefile.WaveFile();
    w.fromScratch(2, 16000, '16', [[1000, 3000], [3000, -3000]]);
    const s = decodeWav(w.toBuffer(), 'st.wav');
    expect(s.sampleRate).toBe(16000);
    expect(Array.from(s.samples)).toEqual([Math.fround(2000 / 32768), 0]);
    const u = new wavefile.WaveFile();
    u.fromScratch(1, 8000, '8', [0, 128, 255]);
    expect(Array.from(decodeWav(u.toBuffer(), 'u8.wav').samples)).toEqual([-1, 0, Math.fround(127 / 128)]);
  });

  it('rejects truncated and non-WAV files, naming them', () => {
    const b = wavBytes([1, 2, 3, 4, 5, 6]);
    expect(() => decodeWav(b.subarray(0, b.length - 3), 'cut.wav')).toThrow(/cut\.wav: WAV data chunk truncated \(9 of 12 bytes/);
    expect(() => decodeWav(new Uint8Array(16).fill(7), 'junk.wav')).toThrow(/junk\.wav: not a readable WAV file/);
  });
});

describe('mel scale, window, DCT', () => {
  it('puts 1000 Hz at 1000 mel (the scale anchor) and inverts', () => {
    expect(hzToMel(1000)).toBeCloseTo(1000, 1);
    expect(hzToMel(0)).toBe(0);
    for (const f of [50, 440, 3999]) expect(melToHz(hzToMel(f))).toBeCloseTo(f, 8);
  });

  it('Hamming window of 5 points is 0.08, 0.54, 1, 0.54, 0.08', () => {
    const w = Array.from(hammingWindow(5));
    [0.08, 0.54, 1, 0.54, 0.08].forEach((v, i) => expect(w[i]).toBeCloseTo(v, 6));
  });

  it('DCT-II matrix is orthonormal and maps constants and cosines to single coefficients', () => {
    const n = 8;
    const d = dctMatrix(n, n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += d[a * n + i] * d[b * n + i];
        expect(s).toBeCloseTo(a === b ? 1 : 0, 5);
      }
    }
    const apply = (x: number[]) => Array.from({ length: n }, (_, k) => x.reduce((s, v, i) => s + d[k * n + i] * v, 0));
    const c = apply(new Array(n).fill(2));
    expect(c[0]).toBeCloseTo(2 * Math.sqrt(n), 5);
    c.slice(1).forEach((v) => expect(v).toBeCloseTo(0, 5));
    // x_i = cos(pi * 3 * (2i+1) / (2n)) has norm sqrt(n/2) and is DCT basis vector 3.
    const y = apply(Array.from({ length: n }, (_, i) => Math.cos((Math.PI * 3 * (2 * i + 1)) / (2 * n))));
    y.forEach((v, k) => expect(v).toBeCloseTo(k === 3 ? Math.sqrt(n / 2) : 0, 5));
  });
});

describe('mel filterbank', () => {
  const fb = melFilterbank(26, 256, 8000);
  const binHz = 8000 / 256;

  it('has centres equally spaced in mel up to sampleRate/2', () => {
    const step = hzToMel(4000) / 27;
    for (let m = 0; m < 26; m++) expect(hzToMel(fb.centersHz[m])).toBeCloseTo((m + 1) * step, 6);
  });

  it('overlapping triangles sum to 1 between the first and last centre', () => {
    for (let k = 0; k < fb.numBins; k++) {
      const f = k * binHz;
      if (f < fb.centersHz[0] || f > fb.centersHz[25]) continue;
      let s = 0;
      for (let m = 0; m < 26; m++) s += fb.weights[m * fb.numBins + k];
      expect(s).toBeCloseTo(1, 5);
    }
  });

  it('rejects a filterbank whose narrow filters miss every FFT bin', () => {
    expect(() => melFilterbank(120, 64, 8000)).toThrow(/covers no FFT bin/);
  });
});

describe('Mfcc', () => {
  it('counts frames as 1 + floor((n - frame) / hop), at least 1', () => {
    expect(frameCount(100, 200, 80)).toBe(1);
    expect(frameCount(200, 200, 80)).toBe(1);
    expect(frameCount(279, 200, 80)).toBe(1);
    expect(frameCount(280, 200, 80)).toBe(2);
    expect(frameCount(8000, 200, 80)).toBe(98);
  });

  it('uses 200-sample frames, 80-sample hop and a 256-point FFT at 8 kHz by default', () => {
    const m = new Mfcc(8000);
    expect(m.config).toMatchObject({ frameLength: 200, hopLength: 80, nfft: 256, numFilters: 26, numCoeffs: 13, preEmphasis: 0.97 });
  });

  it('puts a pure tone’s energy in the filter whose centre is nearest the tone', () => {
    const m = new Mfcc(8000, { preEmphasis: 0 });
    // Centres computed here from the definition: 26 + 2 points equally spaced in mel over 0-4000 Hz.
    const centres = Array.from({ length: 26 }, (_, i) => 700 * (10 ** (((i + 1) * (2595 * Math.log10(1 + 4000 / 700))) / 27 / 2595) - 1));
    for (const f of [300, 1000, 2500]) {
      const expected = centres.reduce((best, c, i) => (Math.abs(c - f) < Math.abs(centres[best] - f) ? i : best), 0);
      const sig = Float32Array.from(tone(f, 0.2), (v) => v / 32768);
      const { frames, data } = m.logMelEnergies(sig);
      for (let t = 0; t < frames; t++) {
        const row = Array.from(data.subarray(t * 26, (t + 1) * 26));
        expect(row.indexOf(Math.max(...row))).toBe(expected);
      }
    }
  });

  it('matches a direct (naive DFT) computation of the same definition', () => {
    const sr = 8000;
    const rng = new Rng(7);
    const x = new Float32Array(1000);
    for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin(i / 7) + 0.05 * rng.normal();
    const m = new Mfcc(sr, { numCoeffs: 13 });
    const got = m.compute(x);

    // Independent reference: explicit loops over the HTK-style definition.
    const N = 200, H = 80, K = 256, F = 26, C = 13;
    const pre = Array.from(x, (v, i) => (i === 0 ? v : v - 0.97 * x[i - 1]));
    const T = 1 + Math.floor((pre.length - N) / H);
    expect(got.frames).toBe(T);
    const mel = (f: number) => 2595 * Math.log10(1 + f / 700);
    const imel = (q: number) => 700 * (10 ** (q / 2595) - 1);
    const pts = Array.from({ length: F + 2 }, (_, i) => imel((i * mel(sr / 2)) / (F + 1)));
    for (let t = 0; t < T; t++) {
      const frame = Array.from({ length: N }, (_, i) => pre[t * H + i] * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (N - 1))));
      const power: number[] = [];
      for (let k = 0; k <= K / 2; k++) {
        let re = 0, im = 0;
        for (let i = 0; i < N; i++) {
          re += frame[i] * Math.cos((2 * Math.PI * k * i) / K);
          im -= frame[i] * Math.sin((2 * Math.PI * k * i) / K);
        }
        power.push((re * re + im * im) / K);
      }
      const logE = Array.from({ length: F }, (_, j) => {
        let e = 0;
        power.forEach((p, k) => {
          const f = (k * sr) / K;
          const w = f <= pts[j] || f >= pts[j + 2] ? 0 : f <= pts[j + 1] ? (f - pts[j]) / (pts[j + 1] - pts[j]) : (pts[j + 2] - f) / (pts[j + 2] - pts[j + 1]);
          e += w * p;
        });
        return Math.log(e);
      });
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let j = 0; j < F; j++) s += logE[j] * Math.cos((Math.PI * c * (2 * j + 1)) / (2 * F));
        s *= c === 0 ? Math.sqrt(1 / F) : Math.sqrt(2 / F);
        expect(Math.abs(got.data[t * C + c] - s)).toBeLessThan(2e-3);
      }
    }
  });

  it('rejects impossible settings', () => {
    expect(() => new Mfcc(8000, { numCoeffs: 30 })).toThrow(/numCoeffs 30 must be between 1 and numFilters \(26\)/);
    expect(() => new Mfcc(8000, { nfft: 128 })).toThrow(/nfft 128 must be a power of two >= the frame length \(200/);
  });
});
