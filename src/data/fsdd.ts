/**
 * Free Spoken Digit Dataset (github.com/Jakobovski/free-spoken-digit-dataset): 8 kHz mono WAV files
 * named `{digit}_{speaker}_{index}.wav` (v1.0.10: 6 speakers x 10 digits x 50 = 3,000), featurised as
 * MFCCs (see mfcc.ts), padded with zeros or trimmed at the end to a fixed number of frames.
 * Sample shape [frames, coefficients].
 *
 * Splits:
 * - `standard`: recordings with index 0-4 are the test set (300), the rest train (2,700): the split
 *   documented in the dataset's README / utils/train-test-split.py.
 * - `paper`: a seeded random 70/30 split of all recordings (2,100 / 900 for the full set), as used by
 *   the random-resistive-memory pruning paper (arXiv 2311.07164); it is not the authors' exact
 *   partition (their split is not published), only its proportions.
 *
 * Feature shapes:
 * - `default`: 25 ms frames, 10 ms hop, 13 coefficients, 64 frames (0.655 s: 2,853 of the 3,000
 *   recordings fit whole, 147 lose their end).
 * - `paper`: 23 frames x 20 coefficients, the 23x20 input of the paper's code. Their feature
 *   parameters are not published (the repository ships precomputed features); here 50 ms frames with
 *   a 25 ms hop (50% overlap), so 23 frames span 0.6 s (2,763 of 3,000 recordings fit whole).
 *   Normalised to [0, 1] by default, since the paper's network quantises its input uniformly on [0, 1].
 *
 * Normalisation (per coefficient, statistics over the real, unpadded frames of the train split,
 * applied to both splits): `standard` (zero mean, unit variance; the default), `minmax` (train range
 * to [0, 1], test values clipped), or `none`. Padding frames are set to 0 after normalisation.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hashSeed, Rng } from '../engine/rng.js';
import { UserError } from '../errors.js';
import { findManifests } from './checksum.js';
import type { Dataset, DatasetSplits } from './dataset.js';
import { isDirectory, readDataFile } from './files.js';
import { Mfcc, type MfccOptions } from './mfcc.js';
import { type LoadOptions, checkSplit, limitFor } from './options.js';
import { resolveDataDir } from './resolve.js';
import { decodeWav } from './wav.js';

export type FsddSplit = 'standard' | 'paper';
export type FsddShape = 'default' | 'paper';
export type FeatureNormalisation = 'standard' | 'minmax' | 'none';

export interface FsddOptions extends LoadOptions {
  split?: FsddSplit;
  /** Seed of the `paper` split's permutation (default 0). */
  seed?: number;
  /** Feature preset (default 'default'); `frames` and `mfcc` override its values. */
  shape?: FsddShape;
  /** Fixed number of frames per sample. */
  frames?: number;
  mfcc?: MfccOptions;
  normalize?: FeatureNormalisation;
}

export interface FsddRecording {
  readonly file: string;
  readonly digit: number;
  readonly speaker: string;
  readonly index: number;
}

const NAME = /^(\d)_(.+)_(\d+)\.wav$/i;

const PRESETS: Record<FsddShape, { frames: number; mfcc: MfccOptions; normalize: FeatureNormalisation }> = {
  default: { frames: 64, mfcc: { frameSeconds: 0.025, hopSeconds: 0.01, numCoeffs: 13, numFilters: 26 }, normalize: 'standard' },
  paper: { frames: 23, mfcc: { frameSeconds: 0.05, hopSeconds: 0.025, numCoeffs: 20, numFilters: 26 }, normalize: 'minmax' },
};

/** The recordings folder: `dir/recordings` when present, else `dir`. */
export function fsddRecordingsDir(dir: string): string {
  return isDirectory(join(dir, 'recordings')) ? join(dir, 'recordings') : dir;
}

/** Lists and parses the recordings' names, sorted by digit, speaker, index. */
export function listFsdd(recordingsDir: string): FsddRecording[] {
  const out: FsddRecording[] = [];
  for (const name of readdirSync(recordingsDir)) {
    if (!name.toLowerCase().endsWith('.wav')) continue;
    const m = NAME.exec(name);
    if (!m) {
      throw new UserError(
        `FSDD: recording ${join(recordingsDir, name)} is not named {digit}_{speaker}_{index}.wav.`,
        'The label is read from the file name: rename or remove the file.',
      );
    }
    out.push({ file: join(recordingsDir, name), digit: Number(m[1]), speaker: m[2], index: Number(m[3]) });
  }
  if (out.length === 0) {
    throw new UserError(`FSDD: no .wav recordings in ${recordingsDir}.`, 'Point at the FSDD folder (holding recordings/).');
  }
  out.sort((a, b) => a.digit - b.digit || cmp(a.speaker, b.speaker) || a.index - b.index);
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Train/test partition of sorted recordings. `standard` orders each split by (index, speaker,
 * digit), so any prefix (`limit`) holds all digits and speakers about equally.
 */
export function splitFsdd(recs: readonly FsddRecording[], split: FsddSplit, seed = 0): { train: FsddRecording[]; test: FsddRecording[] } {
  if (split === 'standard') {
    const order = (a: FsddRecording, b: FsddRecording) => a.index - b.index || cmp(a.speaker, b.speaker) || a.digit - b.digit;
    return {
      train: recs.filter((r) => r.index >= 5).sort(order),
      test: recs.filter((r) => r.index < 5).sort(order),
    };
  }
  const perm = new Rng(hashSeed(seed, 'fsdd/paper-split')).permutation(recs.length);
  const nTrain = Math.round(0.7 * recs.length);
  const shuffled = Array.from(perm, (i) => recs[i]);
  return { train: shuffled.slice(0, nTrain), test: shuffled.slice(nTrain) };
}

interface Featurised {
  readonly feats: Float32Array[];
  readonly frames: number[];
  readonly verified: number;
  readonly extractors: ReadonlyMap<number, Mfcc>;
}

function featurise(recs: readonly FsddRecording[], opts: FsddOptions, mfccOpts: MfccOptions, manifests: ReturnType<typeof findManifests>): Featurised {
  const extractors = new Map<number, Mfcc>();
  const feats: Float32Array[] = [];
  const frames: number[] = [];
  let verified = 0;
  for (const r of recs) {
    const file = readDataFile(r.file, { manifests, verify: opts.verify });
    if (file.checked.length) verified++;
    const audio = decodeWav(file.bytes, r.file);
    let mfcc = extractors.get(audio.sampleRate);
    if (!mfcc) {
      mfcc = new Mfcc(audio.sampleRate, mfccOpts);
      extractors.set(audio.sampleRate, mfcc);
    }
    const f = mfcc.compute(audio.samples);
    feats.push(f.data);
    frames.push(f.frames);
  }
  return { feats, frames, verified, extractors };
}

interface Stats {
  readonly a: Float64Array; // mean or min
  readonly b: Float64Array; // std or max
}

function statistics(f: Featurised, numFrames: number, c: number, mode: FeatureNormalisation): Stats {
  const a = new Float64Array(c);
  const b = new Float64Array(c);
  if (mode === 'minmax') {
    a.fill(Infinity);
    b.fill(-Infinity);
  }
  let count = 0;
  for (let s = 0; s < f.feats.length; s++) {
    const t = Math.min(f.frames[s], numFrames);
    const d = f.feats[s];
    for (let i = 0; i < t; i++) {
      for (let k = 0; k < c; k++) {
        const v = d[i * c + k];
        if (mode === 'minmax') {
          if (v < a[k]) a[k] = v;
          if (v > b[k]) b[k] = v;
        } else {
          a[k] += v;
          b[k] += v * v;
        }
      }
    }
    count += t;
  }
  if (mode === 'standard') {
    for (let k = 0; k < c; k++) {
      const mean = a[k] / count;
      a[k] = mean;
      b[k] = Math.sqrt(Math.max(b[k] / count - mean * mean, 0)) || 1;
    }
  }
  return { a, b };
}

function assemble(f: Featurised, numFrames: number, c: number, mode: FeatureNormalisation, st: Stats | undefined): Float32Array {
  const x = new Float32Array(f.feats.length * numFrames * c);
  for (let s = 0; s < f.feats.length; s++) {
    const t = Math.min(f.frames[s], numFrames);
    const d = f.feats[s];
    const base = s * numFrames * c;
    for (let i = 0; i < t; i++) {
      for (let k = 0; k < c; k++) {
        let v = d[i * c + k];
        if (st && mode === 'standard') v = (v - st.a[k]) / st.b[k];
        else if (st && mode === 'minmax') {
          const span = st.b[k] - st.a[k];
          v = span > 0 ? Math.min(1, Math.max(0, (v - st.a[k]) / span)) : 0;
        }
        x[base + i * c + k] = v;
      }
    }
  }
  return x;
}

export async function loadFsdd(opts: FsddOptions = {}): Promise<DatasetSplits> {
  const split = checkSplit('fsdd', opts.split, ['standard', 'paper']) as FsddSplit;
  const shape = checkSplit('fsdd (shape)', opts.shape, ['default', 'paper']) as FsddShape;
  const preset = PRESETS[shape];
  const numFrames = opts.frames ?? preset.frames;
  if (!Number.isInteger(numFrames) || numFrames < 1) {
    throw new UserError(`FSDD frames must be a positive integer, got ${numFrames}.`, 'e.g. frames: 64.');
  }
  const mfccOpts: MfccOptions = { ...preset.mfcc };
  for (const [k, v] of Object.entries(opts.mfcc ?? {})) {
    if (v !== undefined) (mfccOpts as Record<string, number>)[k] = v;
  }
  const normalize = opts.normalize ?? preset.normalize;
  if (!['standard', 'minmax', 'none'].includes(normalize)) {
    throw new UserError(`FSDD normalize '${normalize}' is not one of standard, minmax, none.`, 'Choose one of those.');
  }
  const { dir } = resolveDataDir('fsdd', opts.dir, opts.env);
  const recDir = fsddRecordingsDir(dir);
  const manifests = opts.verify === false ? [] : findManifests(dir);
  if (recDir !== dir && opts.verify !== false && manifests.length === 0) manifests.push(...findManifests(recDir));
  const parts = splitFsdd(listFsdd(recDir), split, opts.seed ?? 0);
  const train = parts.train.slice(0, limitFor(opts.limit, 'train'));
  const test = parts.test.slice(0, limitFor(opts.limit, 'test'));
  const fTrain = featurise(train, opts, mfccOpts, manifests);
  const fTest = featurise(test, opts, mfccOpts, manifests);
  const c = mfccOpts.numCoeffs ?? 13;
  const stats = normalize === 'none' || train.length === 0 ? undefined : statistics(fTrain, numFrames, c, normalize);
  const allFrames = [...fTrain.frames, ...fTest.frames];
  const meta = {
    dir,
    split,
    seed: split === 'paper' ? (opts.seed ?? 0) : undefined,
    shape,
    frames: numFrames,
    mfcc: [...new Map([...fTrain.extractors, ...fTest.extractors]).values()].map((m) => m.config),
    normalize,
    normalisationStats: stats ? { a: Array.from(stats.a), b: Array.from(stats.b), meaning: normalize === 'standard' ? 'mean, std' : 'min, max' } : undefined,
    recordingsTrimmed: allFrames.filter((t) => t > numFrames).length,
    recordingsPadded: allFrames.filter((t) => t < numFrames).length,
    filesVerified: fTrain.verified + fTest.verified,
    filesRead: train.length + test.length,
  };
  const make = (which: 'train' | 'test', recs: FsddRecording[], f: Featurised): Dataset => ({
    name: `fsdd/${which}`,
    length: recs.length,
    sampleShape: [numFrames, c],
    x: assemble(f, numFrames, c, normalize, stats),
    y: Int32Array.from(recs, (r) => r.digit),
    labelShape: [],
    numClasses: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    meta: { ...meta, speakers: recs.map((r) => r.speaker) },
  });
  return { train: make('train', train, fTrain), test: make('test', test, fTest) };
}
