/**
 * Layer registry: rebuilds a layer from its type name and config (model files, configs, importers).
 * Each layer module exports a factory; this file is the one list of them.
 */
import { UserError } from '../errors.js';
import type { Layer, WeightTransform } from './layer.js';

export type LayerFactory = (name: string, config: Record<string, unknown>) => Layer;

const factories = new Map<string, LayerFactory>();

export function registerLayer(type: string, factory: LayerFactory): void {
  if (factories.has(type)) throw new Error(`layer type '${type}' is registered twice`);
  factories.set(type, factory);
}

export function createLayer(type: string, name: string, config: Record<string, unknown>): Layer {
  const f = factories.get(type);
  if (!f) {
    throw new UserError(
      `unknown layer type '${type}' (layer '${name}')`,
      `known layer types: ${[...factories.keys()].sort().join(', ')}`,
    );
  }
  return f(name, config);
}

export function layerTypes(): string[] {
  return [...factories.keys()].sort();
}

/**
 * Weight-transform registry (quantise, binarise, supermask, noise): rebuilds a transform attached to
 * `layer`'s parameter `param` from its kind and config, so model files can restore transforms.
 * The factory creates the transform's own parameters; a model loader then fills in their saved values.
 */
export type TransformFactory = (config: Record<string, unknown>, target: { layer: Layer; param: string }) => WeightTransform;

const transformFactories = new Map<string, TransformFactory>();

export function registerTransform(kind: string, factory: TransformFactory): void {
  if (transformFactories.has(kind)) throw new Error(`weight transform '${kind}' is registered twice`);
  transformFactories.set(kind, factory);
}

export function createTransform(kind: string, config: Record<string, unknown>, target: { layer: Layer; param: string }): WeightTransform {
  const f = transformFactories.get(kind);
  if (!f) {
    throw new UserError(
      `unknown weight transform '${kind}' (layer '${target.layer.name}', parameter '${target.param}')`,
      `known transforms: ${[...transformFactories.keys()].sort().join(', ') || '(none registered)'}; import the module that defines it before loading`,
    );
  }
  return f(config, target);
}

export function transformKinds(): string[] {
  return [...transformFactories.keys()].sort();
}
