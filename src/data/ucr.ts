/**
 * UCR/UEA time-series classification problems (Dau et al. 2018; Bagnall et al. 2018) in the sktime
 * `.ts` text format (www.timeseriesclassification.com; sktime `load_from_tsfile`):
 * header lines `@problemName`, `@timeStamps`, `@missing`, `@univariate`, `@dimensions`,
 * `@equalLength`, `@seriesLength`, `@classLabel true <labels...>`, then `@data` and one case per line:
 * dimensions separated by `:`, values by `,`, `?` for a missing value, the class label last.
 * Lines starting with `#` are comments.
 *
 * Dataset samples are [time, dims]. Series shorter than the longest one in train + test are padded
 * with zeros at the end; missing values become 0 as well (both counted in `meta`). Labels are the
 * index of the case's label in the `@classLabel` list.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { type Md5Manifest, findManifests } from './checksum.js';
import type { Dataset, DatasetSplits } from './dataset.js';
import { type DataFile, checksumSummary, firstExisting, readDataFile } from './files.js';
import { type LoadOptions, checkSplit, limitFor } from './options.js';
import { resolveDataDir } from './resolve.js';

export interface TsCase {
  /** One array per dimension, all the same length; NaN marks a missing value. */
  readonly series: Float32Array[];
  /** Index into `classLabels`. */
  readonly label: number;
}

export interface TsFile {
  readonly file: string;
  readonly problemName?: string;
  readonly dimensions: number;
  readonly equalLength?: boolean;
  readonly seriesLength?: number;
  readonly missing: boolean;
  readonly classLabels: string[];
  readonly cases: TsCase[];
}

const hint = 'See the sktime .ts format: header lines, @data, then one case per line (dims split by ":", values by ",", label last).';

function parseBool(v: string | undefined, key: string, where: string): boolean {
  const s = (v ?? '').toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new UserError(`${where}: ${key} must be true or false, got '${v ?? ''}'.`, hint);
}

/** Parses the text of one `.ts` file; `file` names it in error messages (with line numbers). */
export function parseTs(text: string, file: string): TsFile {
  const lines = text.split(/\r?\n/);
  let problemName: string | undefined;
  let univariate: boolean | undefined;
  let dimensions: number | undefined;
  let equalLength: boolean | undefined;
  let seriesLength: number | undefined;
  let missing = false;
  let classLabels: string[] | undefined;
  let inData = false;
  const cases: TsCase[] = [];
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    const where = `${file}:${ln + 1}`;
    if (line === '' || line.startsWith('#')) continue;
    if (!inData) {
      if (!line.startsWith('@')) throw new UserError(`${where}: expected a header line starting with '@' before @data, got '${line.slice(0, 40)}'.`, hint);
      const [rawKey, ...rest] = line.split(/\s+/);
      const key = rawKey.toLowerCase();
      switch (key) {
        case '@problemname':
          problemName = rest.join(' ');
          break;
        case '@timestamps':
          if (parseBool(rest[0], rawKey, where)) {
            throw new UserError(`${where}: @timeStamps true is not supported (only plain value lists).`, 'Convert the file to equally spaced values without timestamps.');
          }
          break;
        case '@missing':
          missing = parseBool(rest[0], rawKey, where);
          break;
        case '@univariate':
          univariate = parseBool(rest[0], rawKey, where);
          break;
        case '@dimensions':
          dimensions = Number(rest[0]);
          if (!Number.isInteger(dimensions) || dimensions < 1) throw new UserError(`${where}: @dimensions must be a positive integer, got '${rest[0]}'.`, hint);
          break;
        case '@equallength':
          equalLength = parseBool(rest[0], rawKey, where);
          break;
        case '@serieslength':
          seriesLength = Number(rest[0]);
          if (!Number.isInteger(seriesLength) || seriesLength < 1) throw new UserError(`${where}: @seriesLength must be a positive integer, got '${rest[0]}'.`, hint);
          break;
        case '@classlabel':
          if (!parseBool(rest[0], rawKey, where)) {
            throw new UserError(`${where}: @classLabel false: this file has no class labels; only classification problems are supported.`, hint);
          }
          classLabels = rest.slice(1);
          if (classLabels.length === 0) throw new UserError(`${where}: @classLabel true lists no labels.`, hint);
          if (new Set(classLabels).size !== classLabels.length) throw new UserError(`${where}: @classLabel lists a label twice.`, hint);
          break;
        case '@targetlabel':
          if (parseBool(rest[0], rawKey, where)) throw new UserError(`${where}: regression problems (@targetLabel true) are not supported.`, hint);
          break;
        case '@data':
          if (!classLabels) throw new UserError(`${where}: @data before @classLabel; the file must declare its class labels.`, hint);
          if (univariate === true && dimensions !== undefined && dimensions !== 1) {
            throw new UserError(`${where}: @univariate true but @dimensions ${dimensions}.`, hint);
          }
          if (univariate === true) dimensions = 1;
          inData = true;
          break;
        default:
          throw new UserError(`${where}: unknown header keyword ${rawKey}.`, hint);
      }
      continue;
    }
    const labels = classLabels as string[];
    const parts = line.split(':');
    const labelText = parts.pop()?.trim() ?? '';
    const label = labels.indexOf(labelText);
    if (label < 0) throw new UserError(`${where}: class label '${labelText}' is not in @classLabel (${labels.join(' ')}).`, hint);
    if (dimensions === undefined) dimensions = parts.length;
    if (parts.length !== dimensions) throw new UserError(`${where}: case has ${parts.length} dimensions, expected ${dimensions}.`, hint);
    const series: Float32Array[] = [];
    for (let d = 0; d < parts.length; d++) {
      const tokens = parts[d].split(',');
      const s = new Float32Array(tokens.length);
      for (let i = 0; i < tokens.length; i++) {
        const tok = tokens[i].trim();
        if (tok === '?' || tok.toLowerCase() === 'nan') {
          if (!missing) throw new UserError(`${where}: missing value in dimension ${d + 1} but the header says @missing false.`, hint);
          s[i] = NaN;
          continue;
        }
        const v = Number(tok);
        if (tok === '' || !Number.isFinite(v)) throw new UserError(`${where}: value ${i + 1} of dimension ${d + 1} is not a number: '${tok}'.`, hint);
        s[i] = v;
      }
      if (d > 0 && s.length !== series[0].length) {
        throw new UserError(`${where}: dimension ${d + 1} has ${s.length} values but dimension 1 has ${series[0].length}.`, 'All dimensions of one case must have the same length.');
      }
      series.push(s);
    }
    if (equalLength && seriesLength !== undefined && series[0].length !== seriesLength) {
      throw new UserError(`${where}: series has ${series[0].length} values but @seriesLength is ${seriesLength}.`, hint);
    }
    cases.push({ series, label });
  }
  if (!inData) throw new UserError(`${file}: no @data line.`, hint);
  if (cases.length === 0) throw new UserError(`${file}: no cases after @data.`, hint);
  return {
    file,
    problemName,
    dimensions: dimensions as number,
    equalLength,
    seriesLength,
    missing,
    classLabels: classLabels as string[],
    cases,
  };
}

/** Packs cases as [time, dims] samples of `length` steps (zero padding at the end, missing -> 0). */
export function packCases(cases: readonly TsCase[], dims: number, length: number): { x: Float32Array; y: Int32Array; missing: number } {
  const x = new Float32Array(cases.length * length * dims);
  const y = new Int32Array(cases.length);
  let missing = 0;
  cases.forEach((c, n) => {
    y[n] = c.label;
    const base = n * length * dims;
    for (let d = 0; d < dims; d++) {
      const s = c.series[d];
      for (let t = 0; t < s.length && t < length; t++) {
        const v = s[t];
        if (Number.isNaN(v)) missing++;
        else x[base + t * dims + d] = v;
      }
    }
  });
  return { x, y, missing };
}

export interface UcrOptions extends LoadOptions {
  /** Problem name, e.g. 'JapaneseVowels' (the folder and file prefix). */
  problem?: string;
  /** Only 'standard' (the archive's own TRAIN/TEST files). */
  split?: string;
}

/** Problem names under `dir` (folders holding `<name>_TRAIN.ts`). */
export function listUcrProblems(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, `${e.name}_TRAIN.ts`)))
    .map((e) => e.name)
    .sort();
}

/** Loads `<dir>/<problem>/<problem>_TRAIN.ts` and `_TEST.ts` (or the files directly in `dir`; `.ts.gz` too). */
export async function loadUcr(opts: UcrOptions = {}): Promise<DatasetSplits> {
  checkSplit('ucr', opts.split, ['standard']);
  const { dir } = resolveDataDir('ucr', opts.dir, opts.env);
  const problem = opts.problem;
  if (!problem) {
    const found = listUcrProblems(dir);
    throw new UserError(
      `Dataset 'ucr' needs a problem name.`,
      found.length ? `Problems in ${dir}: ${found.join(', ')}.` : `Pass problem: '<Name>' with a folder <Name>/ holding <Name>_TRAIN.ts and <Name>_TEST.ts.`,
    );
  }
  const problemDir = existsSync(join(dir, problem)) ? join(dir, problem) : dir;
  const manifests: Md5Manifest[] = [];
  if (opts.verify !== false) {
    const seen = new Set<string>();
    for (const m of [...findManifests(problemDir), ...findManifests(dirname(problemDir))]) {
      if (!seen.has(m.file)) manifests.push(m);
      seen.add(m.file);
    }
  }
  const read = (part: 'TRAIN' | 'TEST'): { ts: TsFile; file: DataFile } => {
    const base = join(problemDir, `${problem}_${part}.ts`);
    const path = firstExisting([base, `${base}.gz`]);
    if (!path) {
      const found = listUcrProblems(dir);
      throw new UserError(
        `Dataset 'ucr': missing ${base} for problem '${problem}'.`,
        found.length ? `Problems in ${dir}: ${found.join(', ')}.` : `Expected <dir>/${problem}/${problem}_TRAIN.ts and _TEST.ts.`,
      );
    }
    const file = readDataFile(path, { manifests, verify: opts.verify });
    return { ts: parseTs(new TextDecoder().decode(file.bytes), path), file };
  };
  const tr = read('TRAIN');
  const te = read('TEST');
  if (tr.ts.classLabels.join('\u0000') !== te.ts.classLabels.join('\u0000')) {
    throw new UserError(
      `Dataset 'ucr' ${problem}: @classLabel differs between ${tr.file.path} (${tr.ts.classLabels.join(' ')}) and ${te.file.path} (${te.ts.classLabels.join(' ')}).`,
      'The TRAIN and TEST files must declare the same labels in the same order.',
    );
  }
  if (tr.ts.dimensions !== te.ts.dimensions) {
    throw new UserError(`Dataset 'ucr' ${problem}: TRAIN has ${tr.ts.dimensions} dimensions, TEST ${te.ts.dimensions}.`, hint);
  }
  const dims = tr.ts.dimensions;
  const lengths = [...tr.ts.cases, ...te.ts.cases].map((c) => c.series[0].length);
  const maxLength = Math.max(...lengths);
  const minLength = Math.min(...lengths);
  const make = (which: 'train' | 'test', ts: TsFile): Dataset => {
    const cases = ts.cases.slice(0, limitFor(opts.limit, which));
    const { x, y, missing } = packCases(cases, dims, maxLength);
    return {
      name: `ucr/${problem}/${which}`,
      length: cases.length,
      sampleShape: [maxLength, dims],
      x,
      y,
      labelShape: [],
      numClasses: ts.classLabels.length,
      classNames: ts.classLabels,
      meta: {
        problem,
        dir: problemDir,
        dims,
        maxLength,
        minLength,
        paddedCases: cases.filter((c) => c.series[0].length < maxLength).length,
        lengths: cases.map((c) => c.series[0].length),
        missingValuesSetToZero: missing,
        checksums: checksumSummary([tr.file, te.file]),
      },
    };
  };
  return { train: make('train', tr.ts), test: make('test', te.ts) };
}
