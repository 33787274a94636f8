/**
 * DARTS cells (Liu et al., ICLR 2019; Cell in quark0/darts cnn/model.py). A cell takes two inputs,
 * s0 (the output of the cell before the previous one) and s1 (the previous cell's), preprocesses
 * them to C channels (ReLU-1x1 conv-BN, or a factorized reduce when s0 has twice s1's resolution),
 * computes `steps` intermediate nodes each as the sum of two operations on earlier states, and
 * concatenates the nodes in the genotype's concat list along channels. In a reduction cell the
 * operations reading the cell inputs (states 0 and 1) have stride 2.
 *
 * Two inputs in a chain of one-tensor layers: a cell is built from s1's shape (`inputShape`) and
 * its config (`prevPrevChannels`, `reductionPrev`) fixes s0's; `forwardCell(s0, s1, ctx)` runs it.
 * `DartsBody` (network.ts) holds the cells and passes both states along. Deploy walks `children()`
 * (preprocessing first, then the operations) and reads the wiring from `graph()`.
 */
import { tf } from '../../engine/index.js';
import type { Rng } from '../../engine/rng.js';
import { UserError } from '../../errors.js';
import { expectRank, readBool, readInt } from '../config.js';
import { type ForwardContext, Layer } from '../layer.js';
import { registerLayer } from '../registry.js';
import { DARTS_STEPS, type Genotype, type OpInput, PRIMITIVES, type Primitive, cellEdges, cloneGenotype, parseGenotype } from './genotype.js';
import { FactorizedReduce, ReLUConvBN, createOp } from './ops.js';

/** Where a cell sits in the network. */
export interface CellPlacement {
  /** Channels C of every node (the cell outputs C times the number of concatenated states). */
  C: number;
  /** Reduction cell: operations on the cell inputs have stride 2. */
  reduction: boolean;
  /** The previous cell was a reduction: s0 has twice s1's height and width. */
  reductionPrev: boolean;
  /** Channels of s0 (s1's come from the input shape). */
  prevPrevChannels: number;
}

/** One operation of a built cell: it reads state `from` and adds into node state `to`. */
export interface CellEdgeOp {
  from: number;
  to: number;
  primitive: Primitive;
  op: Layer;
}

/** The dataflow of a cell, for deploy and simulators. */
export interface CellGraph {
  reduction: boolean;
  /** Map s0 and s1 to states 0 and 1. */
  preprocess: [Layer, Layer];
  /** The active operations; node state `to` is the sum of those with that `to` (zeros if none). */
  ops: CellEdgeOp[];
  /** States concatenated (along channels, in this order) into the output. */
  concat: number[];
  steps: number;
}

function readPlacement(name: string, cfg: Record<string, unknown>): CellPlacement {
  return {
    C: readInt(name, cfg, 'C'),
    reduction: readBool(name, cfg, 'reduction', false),
    reductionPrev: readBool(name, cfg, 'reductionPrev', false),
    prevPrevChannels: readInt(name, cfg, 'prevPrevChannels'),
  };
}

/** Shared structure of the individual cell and the hypernetwork cell. */
abstract class CellBase extends Layer {
  readonly placement: CellPlacement;
  readonly steps: number;
  protected readonly pre0: Layer;
  protected readonly pre1: ReLUConvBN;
  private shapes0: number[] | undefined;

  constructor(name: string, placement: CellPlacement, steps: number) {
    super(name);
    this.placement = placement;
    this.steps = steps;
    this.pre0 = placement.reductionPrev ? new FactorizedReduce(`${name}.pre0`, { channels: placement.C }) : new ReLUConvBN(`${name}.pre0`, { channels: placement.C });
    this.pre1 = new ReLUConvBN(`${name}.pre1`, { channels: placement.C });
  }

  /** The operation layers, in children order after the two preprocessing layers. */
  protected abstract opLayers(): { from: number; op: Layer }[];

  /** States concatenated into the output. */
  protected abstract concatStates(): number[];

  abstract graph(): CellGraph;

  override children(): Layer[] {
    return [this.pre0, this.pre1, ...this.opLayers().map((o) => o.op)];
  }

  /** Shape of s0 (no batch axis). */
  get s0Shape(): number[] {
    if (!this.shapes0) throw new Error(`layer '${this.name}' is not built`);
    return [...this.shapes0];
  }

  protected doBuild(inputShape: number[], rng: Rng): number[] {
    expectRank(this.name, this.type, inputShape, 3, 'an image [height, width, channels] (s1)');
    const [h, w] = inputShape;
    const { C, reduction, reductionPrev, prevPrevChannels } = this.placement;
    this.shapes0 = reductionPrev ? [2 * h, 2 * w, prevPrevChannels] : [h, w, prevPrevChannels];
    const states: number[][] = [this.pre0.build(this.shapes0, rng.fork('pre0')), this.pre1.build(inputShape, rng.fork('pre1'))];
    const node = reduction ? [Math.ceil(h / 2), Math.ceil(w / 2), C] : [h, w, C];
    for (let j = 0; j < this.steps; j++) states.push(node);
    for (const { from, op } of this.opLayers()) {
      const out = op.build(states[from], rng.fork(op.name));
      if (JSON.stringify(out) !== JSON.stringify(node)) throw new Error(`cell '${this.name}': operation '${op.name}' gives ${JSON.stringify(out)}, nodes are ${JSON.stringify(node)}`);
    }
    const concat = this.concatStates();
    const first = states[concat[0]];
    if (concat.some((s) => states[s][0] !== first[0] || states[s][1] !== first[1])) {
      throw new UserError(
        `cell '${this.name}': the concatenated states [${concat}] have different resolutions`,
        'in a reduction cell concatenate only intermediate nodes (states 2..), as DARTS does',
      );
    }
    return [first[0], first[1], concat.reduce((n, s) => n + states[s][2], 0)];
  }

  /** Runs the cell on s0 and s1 (batch first). */
  forwardCell(s0: tf.Tensor, s1: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const g = this.graph();
    return tf.tidy(() => {
      const states: tf.Tensor[] = [this.pre0.forward(s0, ctx), this.pre1.forward(s1, ctx)];
      for (let j = 0; j < this.steps; j++) {
        let sum: tf.Tensor | undefined;
        for (const e of g.ops) {
          if (e.to !== j + 2) continue;
          const y = e.op.forward(states[e.from], ctx);
          sum = sum === undefined ? y : tf.add(sum, y);
        }
        const [h, w, c] = this.nodeShape();
        states.push(sum ?? tf.zeros([s1.shape[0], h, w, c]));
      }
      return tf.concat(g.concat.map((s) => states[s]), 3);
    });
  }

  private nodeShape(): number[] {
    const [h, w] = this.inputShape;
    return this.placement.reduction ? [Math.ceil(h / 2), Math.ceil(w / 2), this.placement.C] : [h, w, this.placement.C];
  }

  /** One-input form: s0 = s1 = x (the first cell of a network, after the stem). */
  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    if (this.placement.reductionPrev || this.placement.prevPrevChannels !== this.inputShape[2]) {
      throw new Error(`cell '${this.name}' takes two inputs of different shapes: call forwardCell(s0, s1, ctx)`);
    }
    return this.forwardCell(x, x, ctx);
  }

  protected placementConfig(): Record<string, unknown> {
    return { ...this.placement };
  }
}

/** A cell of one genotype (DARTS' evaluation Cell): two operations per node. */
export class DartsCell extends CellBase {
  readonly type = 'DartsCell';
  readonly genotype: Genotype;
  private readonly ops: { from: number; to: number; primitive: Primitive; op: Layer }[];

  constructor(name: string, opts: CellPlacement & { genotype: Genotype | string | unknown }) {
    const placement = readPlacement(name, opts as unknown as Record<string, unknown>);
    const genotype = parseGenotype(opts.genotype, `cell '${name}' genotype`);
    super(name, placement, genotype.normal.length / 2);
    this.genotype = genotype;
    const pairs: OpInput[] = placement.reduction ? genotype.reduce : genotype.normal;
    this.ops = pairs.map(([primitive, from], k) => {
      const stride = placement.reduction && from < 2 ? 2 : 1;
      return { from, to: Math.floor(k / 2) + 2, primitive, op: createOp(primitive, `${name}.op${k}.${primitive}`, placement.C, stride) };
    });
  }

  protected opLayers(): { from: number; op: Layer }[] {
    return this.ops;
  }

  protected concatStates(): number[] {
    return this.placement.reduction ? this.genotype.reduceConcat : this.genotype.normalConcat;
  }

  graph(): CellGraph {
    return { reduction: this.placement.reduction, preprocess: [this.pre0, this.pre1], ops: this.ops.map((o) => ({ ...o })), concat: [...this.concatStates()], steps: this.steps };
  }

  config(): Record<string, unknown> {
    return { ...this.placementConfig(), genotype: cloneGenotype(this.genotype) };
  }
}

/** One switch per edge: the primitive it connects (state `from` to node `to`), 'none' for off. */
export type SwitchConfig = Primitive[];

/**
 * The hypernetwork cell: every edge of the cell (node j reads each state 0..j + 1: 14 edges for 4
 * nodes) holds all eight primitives, and a switch per edge selects one of them ('none' = the edge is
 * off). With the switches compiled from a genotype (`switchesFromGenotype`) and the selected
 * operations holding that genotype's cell's weights, it computes the same function as the cell.
 * Concatenates all intermediate nodes (states 2..steps + 1), as every DARTS genotype does.
 */
export class DartsHyperCell extends CellBase {
  readonly type = 'DartsHyperCell';
  private readonly edgeOps: { from: number; to: number; ops: Map<Primitive, Layer> }[];
  private selection: SwitchConfig | undefined;

  constructor(name: string, opts: CellPlacement & { steps?: number; switches?: SwitchConfig | null }) {
    const cfg = opts as unknown as Record<string, unknown>;
    const placement = readPlacement(name, cfg);
    const steps = readInt(name, cfg, 'steps', DARTS_STEPS);
    super(name, placement, steps);
    this.edgeOps = cellEdges(steps).map(({ from, to }, e) => {
      const stride = placement.reduction && from < 2 ? 2 : 1;
      return { from, to, ops: new Map(PRIMITIVES.map((p) => [p, createOp(p, `${name}.e${e}.${p}`, placement.C, stride)] as const)) };
    });
    if (opts.switches !== undefined && opts.switches !== null) this.select(opts.switches);
  }

  /** The edges in switch order: node 2's from states 0, 1; node 3's from 0, 1, 2; ... */
  edges(): { from: number; to: number; ops: ReadonlyMap<Primitive, Layer> }[] {
    return this.edgeOps.map((e) => ({ from: e.from, to: e.to, ops: e.ops }));
  }

  /** The layer of `primitive` on edge `from` -> `to`. */
  op(from: number, to: number, primitive: Primitive): Layer {
    const e = this.edgeOps.find((q) => q.from === from && q.to === to);
    if (!e) throw new UserError(`cell '${this.name}' has no edge from state ${from} to node ${to}`, `node j reads states 0..j - 1 for j = 2..${this.steps + 1}`);
    return e.ops.get(primitive) as Layer;
  }

  /** Sets the switches: one primitive per edge, in `edges()` order. */
  select(switches: SwitchConfig): void {
    if (!Array.isArray(switches) || switches.length !== this.edgeOps.length || !switches.every((p) => (PRIMITIVES as readonly string[]).includes(p))) {
      throw new UserError(
        `cell '${this.name}': a switch configuration is a list of ${this.edgeOps.length} primitives (one per edge), got ${JSON.stringify(switches)}`,
        `primitives: ${PRIMITIVES.join(', ')}; compile one from a genotype with switchesFromGenotype`,
      );
    }
    this.selection = [...switches];
  }

  /** The current switch configuration, or undefined before `select`. */
  get switches(): SwitchConfig | undefined {
    return this.selection ? [...this.selection] : undefined;
  }

  protected opLayers(): { from: number; op: Layer }[] {
    return this.edgeOps.flatMap((e) => [...e.ops.values()].map((op) => ({ from: e.from, op })));
  }

  protected concatStates(): number[] {
    return Array.from({ length: this.steps }, (_, j) => j + 2);
  }

  /** The selected operations (edges switched to 'none' are left out). */
  graph(): CellGraph {
    const sel = this.selection;
    if (!sel) throw new UserError(`hypernetwork cell '${this.name}' has no switch configuration`, 'select a genotype first (selectGenotype, or DartsHyperCell.select)');
    const ops: CellEdgeOp[] = [];
    this.edgeOps.forEach((e, i) => {
      if (sel[i] !== 'none') ops.push({ from: e.from, to: e.to, primitive: sel[i], op: e.ops.get(sel[i]) as Layer });
    });
    return { reduction: this.placement.reduction, preprocess: [this.pre0, this.pre1], ops, concat: this.concatStates(), steps: this.steps };
  }

  config(): Record<string, unknown> {
    return { ...this.placementConfig(), steps: this.steps, switches: this.selection ? [...this.selection] : null };
  }
}

/**
 * Compiles one cell's (operation, input) pairs into switches over the hypernetwork cell's edges
 * (`cellEdges(steps)` order): each pair turns on its edge with its primitive, every other edge is
 * 'none'. A node with two pairs on the same input cannot be expressed with one switch per edge.
 */
export function cellSwitches(pairs: OpInput[], steps: number, what: string): SwitchConfig {
  if (pairs.length !== 2 * steps) {
    throw new UserError(`${what}: the genotype has ${pairs.length / 2} nodes, the hypernetwork ${steps}`, 'build the hypernetwork with the genotype\'s number of nodes');
  }
  const edges = cellEdges(steps);
  const out: SwitchConfig = edges.map(() => 'none');
  pairs.forEach(([primitive, from], k) => {
    const to = Math.floor(k / 2) + 2;
    const e = edges.findIndex((q) => q.from === from && q.to === to);
    if (out[e] !== 'none' || (k % 2 === 1 && pairs[k - 1][1] === from)) {
      throw new UserError(
        `${what}: node ${to} takes two operations from state ${from}; the hypernetwork has one switch per edge`,
        'DARTS derives genotypes with two distinct inputs per node; give the node two different inputs',
      );
    }
    out[e] = primitive;
  });
  return out;
}

/** Switch configurations of a normal and a reduction hypernetwork cell for a genotype. */
export function switchesFromGenotype(genotype: Genotype, steps = DARTS_STEPS): { normal: SwitchConfig; reduce: SwitchConfig } {
  const all = Array.from({ length: steps }, (_, j) => j + 2);
  for (const [key, concat] of [['normalConcat', genotype.normalConcat], ['reduceConcat', genotype.reduceConcat]] as const) {
    if (JSON.stringify(concat) !== JSON.stringify(all)) {
      throw new UserError(`genotype ${key} [${concat}] differs from the hypernetwork's concat [${all}]`, 'the hypernetwork concatenates all intermediate nodes, as every DARTS genotype does');
    }
  }
  return { normal: cellSwitches(genotype.normal, steps, 'normal cell'), reduce: cellSwitches(genotype.reduce, steps, 'reduction cell') };
}

registerLayer('DartsCell', (name, config) => new DartsCell(name, config as unknown as CellPlacement & { genotype: unknown }));
registerLayer('DartsHyperCell', (name, config) => new DartsHyperCell(name, config as unknown as CellPlacement & { switches?: SwitchConfig }));
