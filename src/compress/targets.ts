/**
 * Which stored tensors the compression techniques act on: every parameter of role 'weight' (Dense and
 * convolution kernels, recurrent kernels), in forward order, composite layers' children included.
 */
import { Rng, tidyData } from '../engine/index.js';
import { UserError } from '../errors.js';
import type { Layer, Sequential } from '../nn/index.js';

/** One weight tensor of one layer. */
export interface WeightTarget {
  layer: Layer;
  param: string;
}

function walk(layer: Layer, out: WeightTarget[]): void {
  for (const p of layer.ownParameters()) if (p.role === 'weight') out.push({ layer, param: p.name });
  for (const c of layer.children()) walk(c, out);
}

/** Every weight tensor of the model, in forward order. */
export function allWeightTargets(model: Sequential): WeightTarget[] {
  const out: WeightTarget[] = [];
  for (const l of model.layers) walk(l, out);
  return out;
}

/**
 * The weight tensors of the named layers (all of them when `layers` is undefined). `who` names the
 * calling function in error messages.
 */
export function weightTargets(model: Sequential, layers: readonly string[] | undefined, who: string): WeightTarget[] {
  const all = allWeightTargets(model);
  if (layers === undefined) return all;
  if (!Array.isArray(layers)) throw new UserError(`${who}: 'layers' must be a list of layer names, got ${JSON.stringify(layers)}`, 'e.g. layers: ["fc1", "out"]');
  const names = new Set(all.map((t) => t.layer.name));
  for (const n of layers) {
    if (!names.has(n)) {
      throw new UserError(
        `${who}: layer '${n}' is not a layer of model '${model.name}' with weights`,
        `layers with weights: ${[...names].join(', ') || '(none)'}`,
      );
    }
  }
  const wanted = new Set(layers);
  return all.filter((t) => wanted.has(t.layer.name));
}

/**
 * Inputs feeding one output unit of a weight tensor: kh*kw*cin for Conv2d [kh, kw, cin, cout],
 * kh*kw for DepthwiseConv2d [kh, kw, cin, multiplier] (each output sees one input channel), and
 * `size / lastAxis` (the rows) for Dense [in, units] and recurrent kernels.
 */
export function fanIn(layer: Layer, param: string): number {
  const shape = layer.param(param).variable.shape;
  if (layer.type === 'DepthwiseConv2d' && shape.length === 4) return shape[0] * shape[1];
  const size = shape.reduce((a, b) => a * b, 1);
  return size / (shape[shape.length - 1] ?? 1);
}

/** Number of crossbar columns (output units) of a weight tensor: its last axis. */
export function outputUnits(shape: readonly number[]): number {
  return shape[shape.length - 1] ?? 1;
}

/** Throws a UserError unless `v` is a finite number in [lo, hi]. */
export function checkRange(who: string, key: string, v: unknown, lo: number, hi: number, hint: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new UserError(`${who}: '${key}' must be a number in [${lo}, ${hi}], got ${JSON.stringify(v)}`, hint);
  }
  return v;
}

/** Throws a UserError unless `v` is an integer in [lo, hi]. */
export function checkInt(who: string, key: string, v: unknown, lo: number, hi: number, hint: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new UserError(`${who}: '${key}' must be a whole number in [${lo}, ${hi}], got ${JSON.stringify(v)}`, hint);
  }
  return v;
}

/** Throws a UserError unless `v` is one of `choices`; `undefined` gives `fallback`. */
export function checkChoice<T extends string>(who: string, key: string, v: unknown, choices: readonly T[], fallback: T): T {
  const x = v ?? fallback;
  if (typeof x !== 'string' || !(choices as readonly string[]).includes(x)) {
    throw new UserError(`${who}: '${key}' must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`, `set ${key} to one of ${choices.join(', ')}`);
  }
  return x as T;
}

/** Throws a UserError unless `v` is a boolean; `undefined` gives `fallback`. */
export function checkBool(who: string, key: string, v: unknown, fallback: boolean): boolean {
  const x = v ?? fallback;
  if (typeof x !== 'boolean') throw new UserError(`${who}: '${key}' must be true or false, got ${JSON.stringify(v)}`, `set ${key} to true or false`);
  return x;
}

/** A layer's effective weight in inference mode (the stored tensor through its transforms), as a fresh array. */
export function effectiveWeight(layer: Layer, param: string): Float32Array {
  const ctx = { training: false, rng: new Rng(0) };
  return tidyData(() => layer.weight(param, ctx)) as Float32Array;
}
