/**
 * Option resolution shared by the experiments: defaults filled in, and checks that turn a bad
 * option into a `UserError` whose message starts with the experiment's name (`idm: ...`). Each
 * experiment keeps its own wording where it had one (the `IntWording` styles, the hint parameters).
 */
import { UserError } from '../../errors.js';
import type { Env } from './data.js';

/** A copy of a default: arrays and plain objects are copied (one level deep) so no run shares or edits the defaults. */
function copyDefault<T>(v: T): T {
  if (Array.isArray(v)) return [...v] as T;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return { ...v };
  return v;
}

/**
 * The defaults with every option given in `opts` in their place (`opts.x ?? defaults.x`), in the
 * defaults' key order. Given arrays and objects are taken as they are; defaults are copied.
 * Only the defaults' keys are read: other fields of `opts` (seed, data, callbacks) are left to the caller.
 */
export function withDefaults<D extends object>(opts: { readonly [K in keyof D]?: D[K] }, defaults: D): D {
  const out = {} as D;
  for (const key of Object.keys(defaults) as (keyof D)[]) out[key] = opts[key] ?? copyDefault(defaults[key]);
  return out;
}

/** How an experiment words a whole-number check. */
export interface IntWording {
  /** The largest value accepted when a check names no maximum. */
  noMax: number;
  /** The text after "must be a whole number", e.g. ` from 1 to 8`. */
  range(min: number, max: number): string;
  /** The hint of the error, e.g. `e.g. --chips 2`. */
  hint(name: string, min: number, max: number): string;
}

/** `'chips' must be a whole number from 1, got 0` (`from 1 to 24` with a maximum); hint `e.g. --chips 2` (min + 1). */
export const FROM_MIN: IntWording = {
  noMax: Number.MAX_SAFE_INTEGER,
  range: (min, max) => ` from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`,
  hint: (name, min) => `e.g. --${name} ${min + 1}`,
};

/** `'chips' must be a whole number >= 1, got 0` (`from 1 to 12` with a maximum); hint `e.g. --chips 1` (min, at least 1). */
export const AT_LEAST: IntWording = {
  noMax: Infinity,
  range: (min, max) => (max < Infinity ? ` from ${min} to ${max}` : ` >= ${min}`),
  hint: (name, min) => `e.g. --${name} ${Math.max(min, 1)}`,
};

/**
 * Throws `${prefix}: '${name}' must be a whole number ..., got ${v}` unless `v` is an integer in
 * [min, max]; `max` defaults to the wording's `noMax`.
 */
export function checkInt(prefix: string, name: string, v: unknown, min: number, max?: number, wording: IntWording = FROM_MIN): void {
  const hi = max ?? wording.noMax;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > hi) {
    throw new UserError(`${prefix}: '${name}' must be a whole number${wording.range(min, hi)}, got ${JSON.stringify(v)}`, wording.hint(name, min, hi));
  }
}

/** One whole-number check: option name (as the CLI flag), value, minimum, optional maximum. */
export type IntCheck = readonly [name: string, value: unknown, min: number, max?: number];

/** `checkInt` for each entry, in order (the first bad one throws). */
export function checkInts(prefix: string, checks: readonly IntCheck[], wording: IntWording = FROM_MIN): void {
  for (const [name, v, min, max] of checks) checkInt(prefix, name, v, min, max, wording);
}

/** Throws `${prefix}: '${name}' must be a positive number, got ${v}` unless `v` is a finite number > 0 (a learning rate). */
export function checkPositive(prefix: string, name: string, v: unknown, hint = 'e.g. 0.003'): void {
  if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new UserError(`${prefix}: '${name}' must be a positive number, got ${JSON.stringify(v)}`, hint);
}

/** Throws `${prefix}: a ${item} is listed twice: a,b,a` (hint `give each ${item} once`) when a value repeats. */
export function checkDistinct(prefix: string, item: string, values: readonly unknown[]): void {
  if (new Set(values).size !== values.length) throw new UserError(`${prefix}: a ${item} is listed twice: ${values.join(',')}`, `give each ${item} once`);
}

export interface ListRule<T> {
  /** The values accepted: a list of names, or a test of one value. */
  allowed: readonly T[] | ((v: T) => boolean);
  /** What the list must be, e.g. `networks must be some of mlp, cnn`; `, got [...]` is appended. */
  invalid: string;
  /** The hint of that error, e.g. `e.g. --networks mlp,cnn`. */
  hint: string;
  /** The noun of a separate duplicate error (`checkDistinct`); without it a repeated value is an `invalid` error. */
  item?: string;
}

/**
 * A non-empty list of allowed values, each once: throws `${prefix}: ${rule.invalid}, got [...]` for
 * anything else (not a list, empty, a value not allowed), and a duplicate error (see `ListRule.item`).
 */
export function checkList<T>(prefix: string, values: readonly T[], rule: ListRule<T>): void {
  const { allowed } = rule;
  const ok = typeof allowed === 'function' ? allowed : (v: T) => allowed.includes(v);
  const invalid = () => new UserError(`${prefix}: ${rule.invalid}, got ${JSON.stringify(values)}`, rule.hint);
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => ok(v))) throw invalid();
  if (rule.item !== undefined) checkDistinct(prefix, rule.item, values);
  else if (new Set(values).size !== values.length) throw invalid();
}

/** Sample counts and the training schedule, as most experiments take them. */
export interface TrainingOptions {
  /** Simulated chips per deployment (accuracy is reported as mean +- std over them). */
  chips?: number;
  /** Test samples each chip runs. */
  testSamples?: number;
  /** Training samples (the first ones). */
  trainSamples?: number;
  /** Training epochs. */
  epochs?: number;
  batchSize?: number;
  /** Adam learning rate. */
  lr?: number;
}

/** The crossbar tile and converters of every deployment, and the samples the converter ranges are calibrated on. */
export interface CrossbarOptions {
  tile?: { rows: number; cols: number };
  dacBits?: number;
  adcBits?: number;
  calibrationSamples?: number;
}

/** Where an experiment's data come from. */
export interface DataSourceOptions {
  /** Data root, read as XBARNET_DATA_DIR. */
  dataDir?: string;
  /** Environment for the loaders' XBARNET_* lookups (default process.env). */
  env?: Env;
}

/**
 * An experiment's options once resolved: every option filled in except the injected data, the
 * progress callback and the environment (left out), and the data root and the `Optional` keys (still optional).
 */
export type Resolved<O extends DataSourceOptions, Optional extends keyof O = never> =
  Omit<Required<O>, 'onProgress' | 'data' | 'env' | 'dataDir' | Optional> & Partial<Pick<O, 'dataDir' | Optional>>;
