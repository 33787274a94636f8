/**
 * Copies a model with its weight transforms: `build` makes a fresh model of the same architecture
 * with the same transforms attached, then every stored parameter (weights, masks, quantizer state)
 * is copied by its name in the weights table, so the copy computes exactly what the source does.
 */
import { type Sequential, modelParamTable } from '../../nn/index.js';

export function copyParams(from: Sequential, to: Sequential): void {
  const source = new Map(modelParamTable(from).map((e) => [e.name, e.param]));
  const target = modelParamTable(to);
  if (target.length !== source.size) throw new Error(`copyParams: ${source.size} parameters into ${target.length}`);
  for (const { name, param } of target) {
    const p = source.get(name);
    if (!p) throw new Error(`copyParams: the source has no parameter '${name}'`);
    param.variable.assign(p.variable);
  }
}
