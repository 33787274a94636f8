/**
 * A model: a named chain of layers with explicit shapes. Composite layers (residual blocks, DARTS
 * cells) hold their own sub-graphs, so the chain stays the unit that `deploy/` walks.
 */
import { tf } from '../engine/index.js';
import { Rng } from '../engine/rng.js';
import type { ForwardContext, Layer, LayerSpec, Param } from './layer.js';

export interface ModelSpec {
  name: string;
  inputShape: number[];
  outputShape: number[];
  /** What the output means: class scores (logits) over numClasses, or per-pixel logits. */
  task: 'classification' | 'segmentation';
  numClasses: number;
  layers: LayerSpec[];
}

export class Sequential {
  readonly name: string;
  readonly layers: Layer[];
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly task: 'classification' | 'segmentation';
  readonly numClasses: number;

  /** Builds every layer in order from `inputShape` (no batch axis), initialising weights from `seed`. */
  constructor(opts: {
    name: string;
    inputShape: number[];
    layers: Layer[];
    seed: number;
    numClasses: number;
    task?: 'classification' | 'segmentation';
  }) {
    this.name = opts.name;
    this.layers = opts.layers;
    this.inputShape = [...opts.inputShape];
    this.numClasses = opts.numClasses;
    this.task = opts.task ?? 'classification';
    const names = new Set<string>();
    for (const l of this.layers) {
      if (names.has(l.name)) throw new Error(`model '${this.name}' has two layers named '${l.name}'`);
      names.add(l.name);
    }
    const rng = new Rng(opts.seed).fork('init', this.name);
    let shape = [...this.inputShape];
    for (const l of this.layers) shape = l.built ? l.outputShape : l.build(shape, rng.fork(l.name));
    this.outputShape = shape;
  }

  /** Batch-first forward pass through every layer. Call inside tf.tidy (or let `predict` do it). */
  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    let h = x;
    for (const l of this.layers) h = l.forward(h, ctx);
    return h;
  }

  /** Inference-mode outputs for a batch (no dropout, batch norm running statistics). */
  predict(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forward(x, { training: false, rng: new Rng(0) }));
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  trainableParams(): Param[] {
    return this.params().filter((p) => p.trainable);
  }

  layer(name: string): Layer {
    const l = this.layers.find((q) => q.name === name);
    if (!l) throw new Error(`model '${this.name}' has no layer '${name}'`);
    return l;
  }

  /** Number of scalar parameters (trainable or not). */
  paramCount(): number {
    return this.params().reduce((n, p) => n + p.variable.size, 0);
  }

  spec(): ModelSpec {
    return {
      name: this.name,
      inputShape: [...this.inputShape],
      outputShape: [...this.outputShape],
      task: this.task,
      numClasses: this.numClasses,
      layers: this.layers.map((l) => l.spec()),
    };
  }

  /** One line per layer: name, type, output shape, parameter count. */
  summary(): string {
    const rows = this.layers.map((l) => {
      const n = l.params().reduce((s, p) => s + p.variable.size, 0);
      return `${l.name.padEnd(16)} ${l.type.padEnd(18)} ${JSON.stringify(l.outputShape).padEnd(16)} ${n}`;
    });
    return [`model ${this.name}: input ${JSON.stringify(this.inputShape)}, ${this.paramCount()} parameters`, ...rows].join('\n');
  }

  dispose(): void {
    for (const l of this.layers) l.dispose();
  }
}
