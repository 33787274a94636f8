/**
 * Readers for layer configs (plain JSON objects from model files and user configs). Each names the
 * layer and key at fault, so a bad model file or config becomes a `UserError` a user can act on.
 */
import { UserError } from '../errors.js';

export type Padding = 'same' | 'valid';

function where(layer: string, key: string): string {
  return `layer '${layer}': '${key}'`;
}

export function readNumber(layer: string, cfg: Record<string, unknown>, key: string, fallback?: number): number {
  const v = cfg[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new UserError(`${where(layer, key)} must be a finite number, got ${JSON.stringify(cfg[key])}`, `set ${key} to a number`);
  }
  return v;
}

export function readInt(layer: string, cfg: Record<string, unknown>, key: string, fallback?: number, min = 1): number {
  const v = readNumber(layer, cfg, key, fallback);
  if (!Number.isInteger(v) || v < min) {
    throw new UserError(`${where(layer, key)} must be an integer >= ${min}, got ${v}`, `set ${key} to a whole number >= ${min}`);
  }
  return v;
}

export function readBool(layer: string, cfg: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = cfg[key] ?? fallback;
  if (typeof v !== 'boolean') {
    throw new UserError(`${where(layer, key)} must be true or false, got ${JSON.stringify(v)}`, `set ${key} to true or false`);
  }
  return v;
}

export function readChoice<T extends string>(
  layer: string,
  cfg: Record<string, unknown>,
  key: string,
  choices: readonly T[],
  fallback: T,
): T {
  const v = cfg[key] ?? fallback;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new UserError(`${where(layer, key)} must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`, `set ${key} to one of ${choices.join(', ')}`);
  }
  return v as T;
}

/** A pair of positive integers given as one number (square) or [rows, cols]. */
export function readPair(layer: string, cfg: Record<string, unknown>, key: string, fallback?: number | [number, number]): [number, number] {
  const v = cfg[key] ?? fallback;
  const pair = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1)) {
    throw new UserError(`${where(layer, key)} must be a positive integer or a pair [rows, cols], got ${JSON.stringify(v)}`, `e.g. ${key}: 3 or ${key}: [3, 3]`);
  }
  return [pair[0] as number, pair[1] as number];
}

/** Throws a UserError unless the input shape has `rank` axes (no batch axis). */
export function expectRank(layer: string, type: string, inputShape: number[], rank: number, what: string): void {
  if (inputShape.length !== rank) {
    throw new UserError(
      `layer '${layer}' (${type}) expects ${what} input of rank ${rank} (no batch axis), got shape ${JSON.stringify(inputShape)}`,
      'check the layers before it (add a Flatten before Dense, or use an image-shaped input for convolutions)',
    );
  }
}

/** Output length of a sliding window (convolution or pooling) along one axis, as in TensorFlow. */
export function windowOutput(size: number, window: number, stride: number, dilation: number, padding: Padding): number {
  if (padding === 'same') return Math.ceil(size / stride);
  const effective = (window - 1) * dilation + 1;
  return Math.ceil((size - effective + 1) / stride);
}
