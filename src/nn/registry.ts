/**
 * Layer registry: rebuilds a layer from its type name and config (model files, configs, importers).
 * Each layer module exports a factory; this file is the one list of them.
 */
import { UserError } from '../errors.js';
import type { Layer } from './layer.js';

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
