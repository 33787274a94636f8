/**
 * Layer base: named parameters, explicit shapes, and one mechanism for weight transforms.
 *
 * A layer never reads its stored weight tensors directly in `forward`: it asks `this.weight(name, ctx)`,
 * which passes the stored variable through the transforms attached to that parameter, in order.
 * Quantisation, binarisation, supermask pruning and hardware noise are all such transforms; each
 * decides where gradients flow (a straight-through estimator via `tf.customGrad`, or to parameters
 * the transform owns, such as supermask scores, while the stored weight is frozen).
 */
import { tf } from '../engine/index.js';
import type { Rng } from '../engine/rng.js';

export type ParamRole = 'weight' | 'bias' | 'scale' | 'shift' | 'state' | 'score';

export interface Param {
  /** Unique within its owner, e.g. 'kernel', 'bias', 'recurrentKernel', 'movingMean'. */
  readonly name: string;
  readonly role: ParamRole;
  readonly variable: tf.Variable;
  /** False for frozen weights (supermask) and for running statistics (batch norm). */
  trainable: boolean;
}

export interface ForwardContext {
  /** Training mode: dropout active, batch norm uses batch statistics and updates running ones. */
  readonly training: boolean;
  /** Seeded stream for stochastic ops (dropout, noise-aware training). */
  readonly rng: Rng;
}

export interface WeightTransform {
  /** Registry key, e.g. 'quantize', 'binarize', 'supermask', 'noise'. */
  readonly kind: string;
  /** Parameters this transform owns (e.g. supermask scores), trained and saved with the layer. */
  params(): Param[];
  /** The effective weight from the stored one. Runs inside the caller's tf.tidy. */
  apply(weight: tf.Tensor, ctx: ForwardContext): tf.Tensor;
  /** JSON-serialisable settings, enough to rebuild the transform (its params are saved separately). */
  config(): Record<string, unknown>;
}

/** JSON description of a layer in a model file (see docs/model-format.md). */
export interface LayerSpec {
  type: string;
  name: string;
  config: Record<string, unknown>;
  inputShape: number[];
  outputShape: number[];
  params: { name: string; role: ParamRole; shape: number[]; trainable: boolean }[];
  transforms: { param: string; kind: string; config: Record<string, unknown>; params: string[] }[];
  /** Composite layers (e.g. a DARTS cell) list their children. */
  children?: LayerSpec[];
}

export abstract class Layer {
  abstract readonly type: string;
  readonly name: string;
  private ownParams: Param[] = [];
  private readonly transformsByParam = new Map<string, WeightTransform[]>();
  private shapes: { input: number[]; output: number[] } | undefined;

  constructor(name: string) {
    this.name = name;
  }

  /** Creates the parameters for an input shape (no batch axis) and returns the output shape. */
  build(inputShape: number[], rng: Rng): number[] {
    if (this.shapes) throw new Error(`layer '${this.name}' is already built`);
    const output = this.doBuild([...inputShape], rng);
    this.shapes = { input: [...inputShape], output: [...output] };
    return [...output];
  }

  get built(): boolean {
    return this.shapes !== undefined;
  }

  get inputShape(): number[] {
    if (!this.shapes) throw new Error(`layer '${this.name}' is not built`);
    return [...this.shapes.input];
  }

  get outputShape(): number[] {
    if (!this.shapes) throw new Error(`layer '${this.name}' is not built`);
    return [...this.shapes.output];
  }

  /** Output shape for an input shape; creates parameters with `this.addParam`. */
  protected abstract doBuild(inputShape: number[], rng: Rng): number[];

  /** Batch-first forward pass. */
  abstract forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor;

  /** Hyper-parameters, JSON-serialisable, enough to rebuild the layer with `createLayer`. */
  abstract config(): Record<string, unknown>;

  /** Child layers of a composite layer; empty for plain layers. */
  children(): Layer[] {
    return [];
  }

  protected addParam(name: string, role: ParamRole, init: tf.Tensor, trainable = true): tf.Variable {
    if (this.ownParams.some((p) => p.name === name)) {
      throw new Error(`layer '${this.name}' already has a parameter '${name}'`);
    }
    const variable = tf.variable(init, trainable, `${this.name}/${name}/${uniqueSuffix()}`);
    init.dispose();
    this.ownParams.push({ name, role, variable, trainable });
    return variable;
  }

  /** The layer's own stored parameters (not its transforms' or children's). */
  ownParameters(): Param[] {
    return [...this.ownParams];
  }

  /** Every parameter: own, those of attached transforms, and children's. */
  params(): Param[] {
    const out = [...this.ownParams];
    for (const list of this.transformsByParam.values()) for (const t of list) out.push(...t.params());
    for (const c of this.children()) out.push(...c.params());
    return out;
  }

  param(name: string): Param {
    const p = this.ownParams.find((q) => q.name === name);
    if (!p) throw new Error(`layer '${this.name}' (${this.type}) has no parameter '${name}'`);
    return p;
  }

  hasParam(name: string): boolean {
    return this.ownParams.some((q) => q.name === name);
  }

  /** The effective value of a stored parameter: the stored tensor passed through its transforms. */
  weight(name: string, ctx: ForwardContext): tf.Tensor {
    let w: tf.Tensor = this.param(name).variable;
    for (const t of this.transformsByParam.get(name) ?? []) w = t.apply(w, ctx);
    return w;
  }

  /** Attach a transform to a parameter; transforms apply in the order they were added. */
  addTransform(paramName: string, transform: WeightTransform): void {
    this.param(paramName);
    const list = this.transformsByParam.get(paramName) ?? [];
    list.push(transform);
    this.transformsByParam.set(paramName, list);
  }

  transforms(paramName: string): WeightTransform[] {
    return [...(this.transformsByParam.get(paramName) ?? [])];
  }

  /** Removes (and returns) the transforms of one parameter, or of all parameters. */
  clearTransforms(paramName?: string): WeightTransform[] {
    const names = paramName === undefined ? [...this.transformsByParam.keys()] : [paramName];
    const removed: WeightTransform[] = [];
    for (const n of names) {
      removed.push(...(this.transformsByParam.get(n) ?? []));
      this.transformsByParam.delete(n);
    }
    return removed;
  }

  /** JSON description of this layer (parameter values are written separately by the model file). */
  spec(): LayerSpec {
    const transforms: LayerSpec['transforms'] = [];
    for (const [param, list] of this.transformsByParam) {
      for (const t of list) {
        transforms.push({ param, kind: t.kind, config: t.config(), params: t.params().map((p) => p.name) });
      }
    }
    const children = this.children();
    return {
      type: this.type,
      name: this.name,
      config: this.config(),
      inputShape: this.inputShape,
      outputShape: this.outputShape,
      params: this.ownParams.map((p) => ({
        name: p.name,
        role: p.role,
        shape: [...p.variable.shape],
        trainable: p.trainable,
      })),
      transforms,
      ...(children.length > 0 ? { children: children.map((c) => c.spec()) } : {}),
    };
  }

  dispose(): void {
    for (const p of this.ownParams) p.variable.dispose();
    for (const list of this.transformsByParam.values()) for (const t of list) for (const p of t.params()) p.variable.dispose();
    for (const c of this.children()) c.dispose();
  }
}

let variableCounter = 0;
/** tfjs variable names must be unique per process; layer names alone are not (two models). */
function uniqueSuffix(): string {
  variableCounter += 1;
  return String(variableCounter);
}
