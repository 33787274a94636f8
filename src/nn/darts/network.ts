/**
 * DARTS networks (NetworkCIFAR in quark0/darts cnn/model.py): stem (3x3 convolution to 3C channels,
 * BN), `layers` cells with reduction cells at 1/3 and 2/3 of the depth (cells floor(layers/3) and
 * floor(2 layers/3); C doubles at each), global average pooling, a linear classifier.
 *
 * As a `Sequential` of five layers: stem, stem_bn, cells (a `DartsBody`), gap, classifier. The body
 * is one composite layer because cells take two inputs (the two previous cells' outputs) and a
 * chain passes one tensor: it holds the cells as children and runs the two-state recurrence
 * internally. Deploy reaches every operation through `children()` (body -> cells -> preprocessing
 * and operations -> their convolutions, batch norms, pools) and the wiring through `cellGraphs()`.
 *
 * The hypernetwork is the same network with `DartsHyperBody`: every cell a `DartsHyperCell`.
 * DARTS' auxiliary head (a second output at 2/3 depth, used only in training) is not built.
 */
import { tf } from '../../engine/index.js';
import type { Rng } from '../../engine/rng.js';
import { UserError } from '../../errors.js';
import { expectRank, readInt } from '../config.js';
import { type ForwardContext, Layer, type Param } from '../layer.js';
import { BatchNorm, Conv2d, Dense, GlobalAvgPool } from '../layers.js';
import { Sequential } from '../model.js';
import type { ModelOptions } from '../models.js';
import { registerLayer } from '../registry.js';
import { type CellGraph, type CellPlacement, DartsCell, DartsHyperCell, type SwitchConfig, switchesFromGenotype } from './cell.js';
import { DARTS_STEPS, type Genotype, cloneGenotype, parseGenotype } from './genotype.js';

/** Stem channels = STEM_MULTIPLIER * C (stem_multiplier = 3 in DARTS' NetworkCIFAR). */
export const STEM_MULTIPLIER = 3;

/** Indices of the reduction cells: floor(layers / 3) and floor(2 layers / 3), as in NetworkCIFAR. */
export function reductionCells(layers: number): number[] {
  return [...new Set([Math.floor(layers / 3), Math.floor((2 * layers) / 3)])];
}

/**
 * Placement of each cell for an input of `inputChannels` (the stem's): C per cell and s0's channels.
 * `outputs(reduction)` is the number of states a cell concatenates.
 */
export function planCells(C: number, layers: number, inputChannels: number, outputs: (reduction: boolean) => number): CellPlacement[] {
  const reductions = reductionCells(layers);
  const plan: CellPlacement[] = [];
  let prevPrev = inputChannels;
  let prev = inputChannels;
  let c = C;
  let reductionPrev = false;
  for (let i = 0; i < layers; i++) {
    const reduction = reductions.includes(i);
    if (reduction) c *= 2;
    plan.push({ C: c, reduction, reductionPrev, prevPrevChannels: prevPrev });
    [prevPrev, prev] = [prev, outputs(reduction) * c];
    reductionPrev = reduction;
  }
  return plan;
}

/** The cells of a network and the two-state recurrence s0, s1 <- s1, cell(s0, s1), starting from s0 = s1 = x. */
abstract class BodyBase<Cell extends DartsCell | DartsHyperCell> extends Layer {
  readonly C: number;
  readonly layers: number;
  protected cellList: Cell[] = [];

  constructor(name: string, cfg: Record<string, unknown>) {
    super(name);
    this.C = readInt(name, cfg, 'C');
    this.layers = readInt(name, cfg, 'layers');
  }

  protected abstract makeCell(index: number, placement: CellPlacement): Cell;
  protected abstract outputs(reduction: boolean): number;

  /** The cells, first to last (empty before `build`). */
  get cells(): Cell[] {
    return [...this.cellList];
  }

  override children(): Layer[] {
    return [...this.cellList];
  }

  protected doBuild(inputShape: number[], rng: Rng): number[] {
    expectRank(this.name, this.type, inputShape, 3, 'an image [height, width, channels] (the stem output)');
    const plan = planCells(this.C, this.layers, inputShape[2], (r) => this.outputs(r));
    this.cellList = plan.map((p, i) => this.makeCell(i, p));
    let s0 = inputShape;
    let s1 = inputShape;
    for (const cell of this.cellList) {
      const out = cell.build(s1, rng.fork(cell.name));
      if (JSON.stringify(cell.s0Shape) !== JSON.stringify(s0)) {
        throw new UserError(
          `layer '${this.name}': cell '${cell.name}' expects s0 of shape ${JSON.stringify(cell.s0Shape)}, the network gives ${JSON.stringify(s0)}`,
          'DARTS halves odd sizes unevenly: use an input whose height and width are divisible by 4',
        );
      }
      [s0, s1] = [s1, out];
    }
    return s1;
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      let s0 = x;
      let s1 = x;
      for (const cell of this.cellList) [s0, s1] = [s1, cell.forwardCell(s0, s1, ctx)];
      return s1;
    });
  }

  /** Each cell's dataflow (see `CellGraph`). */
  cellGraphs(): CellGraph[] {
    return this.cellList.map((c) => c.graph());
  }
}

/** The cells of one genotype. Config: {genotype, C, layers}. */
export class DartsBody extends BodyBase<DartsCell> {
  readonly type = 'DartsBody';
  readonly genotype: Genotype;

  constructor(name: string, opts: { genotype: Genotype | string | unknown; C: number; layers: number }) {
    super(name, opts as unknown as Record<string, unknown>);
    this.genotype = parseGenotype(opts.genotype, `layer '${name}' genotype`);
  }

  protected makeCell(i: number, p: CellPlacement): DartsCell {
    return new DartsCell(`${this.name}.cell${i}`, { ...p, genotype: this.genotype });
  }

  protected outputs(reduction: boolean): number {
    return (reduction ? this.genotype.reduceConcat : this.genotype.normalConcat).length;
  }

  config(): Record<string, unknown> {
    return { genotype: cloneGenotype(this.genotype), C: this.C, layers: this.layers };
  }
}

/** The hypernetwork's cells. Config: {C, layers, steps, cellSwitches: per cell, a switch list or null}. */
export class DartsHyperBody extends BodyBase<DartsHyperCell> {
  readonly type = 'DartsHyperBody';
  readonly steps: number;
  private readonly initialSwitches: (SwitchConfig | null)[] | undefined;

  constructor(name: string, opts: { C: number; layers: number; steps?: number; cellSwitches?: (SwitchConfig | null)[] | null }) {
    const cfg = opts as unknown as Record<string, unknown>;
    super(name, cfg);
    this.steps = readInt(name, cfg, 'steps', DARTS_STEPS);
    const sw = opts.cellSwitches ?? undefined;
    if (sw !== undefined && (!Array.isArray(sw) || sw.length !== this.layers)) {
      throw new UserError(`layer '${name}': 'cellSwitches' must list one switch configuration (or null) per cell, ${this.layers} in all`, 'save the hypernetwork again');
    }
    this.initialSwitches = sw;
  }

  protected makeCell(i: number, p: CellPlacement): DartsHyperCell {
    return new DartsHyperCell(`${this.name}.cell${i}`, { ...p, steps: this.steps, switches: this.initialSwitches?.[i] ?? null });
  }

  protected outputs(_reduction: boolean): number {
    return this.steps;
  }

  /** Switches every normal cell to the genotype's normal cell and every reduction cell to its reduction cell. */
  selectGenotype(genotype: Genotype): { normal: SwitchConfig; reduce: SwitchConfig } {
    const sw = switchesFromGenotype(genotype, this.steps);
    for (const c of this.cellList) c.select(c.placement.reduction ? sw.reduce : sw.normal);
    return sw;
  }

  config(): Record<string, unknown> {
    const built = this.cellList.length > 0;
    return { C: this.C, layers: this.layers, steps: this.steps, cellSwitches: built ? this.cellList.map((c) => c.switches ?? null) : (this.initialSwitches ?? null) };
  }
}

registerLayer('DartsBody', (name, config) => new DartsBody(name, config as unknown as { genotype: unknown; C: number; layers: number }));
registerLayer('DartsHyperBody', (name, config) => new DartsHyperBody(name, config as unknown as { C: number; layers: number }));

export interface DartsNetworkOptions {
  /** A published name (DARTS_V1, DARTS_V2, PDARTS), DARTS' text form, or a Genotype. */
  genotype: Genotype | string;
  /** Initial channels (36 in DARTS' CIFAR-10 evaluation network). */
  C: number;
  /** Number of cells (20 in DARTS' CIFAR-10 evaluation network). */
  layers: number;
  numClasses: number;
  /** [height, width, channels]; height and width divisible by 4. */
  inputShape: number[];
  seed: number;
  /** DARTS' auxiliary classifier: not supported (a Sequential has one output); only false. */
  auxiliary?: false;
  /** Model name; default 'darts'. */
  name?: string;
}

function checkSize(what: string, opts: { C: number; layers: number; numClasses: number; inputShape: number[]; auxiliary?: unknown }): void {
  const int = (key: string, v: unknown, min: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new UserError(`${what}: '${key}' must be an integer >= ${min}, got ${JSON.stringify(v)}`, `DARTS' CIFAR-10 network: C 36, layers 20`);
  };
  int('C', opts.C, 1);
  int('layers', opts.layers, 1);
  int('numClasses', opts.numClasses, 2);
  const s = opts.inputShape;
  if (!Array.isArray(s) || s.length !== 3 || !s.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new UserError(`${what}: inputShape must be [height, width, channels], got ${JSON.stringify(s)}`, 'e.g. [32, 32, 3] for CIFAR-10');
  }
  if (opts.auxiliary !== undefined && opts.auxiliary !== false) {
    throw new UserError(`${what}: the auxiliary head is not supported`, 'a model here has one output; set auxiliary: false (DARTS uses the auxiliary loss only in training)');
  }
}

/** Stem, body, pooling and classifier around `body`. */
function networkLayers(body: Layer, C: number, numClasses: number): Layer[] {
  return [
    new Conv2d('stem', { filters: STEM_MULTIPLIER * C, kernelSize: 3, padding: 'same', useBias: false }),
    new BatchNorm('stem_bn'),
    body,
    new GlobalAvgPool('gap'),
    new Dense('classifier', { units: numClasses, init: 'glorot' }),
  ];
}

/** The layers of a DARTS network for `genotype` (the zoo wraps them in a Sequential). */
export function dartsLayers(opts: { genotype: Genotype | string; C: number; layers: number; numClasses: number }): Layer[] {
  return networkLayers(new DartsBody('cells', { genotype: opts.genotype, C: opts.C, layers: opts.layers }), opts.C, opts.numClasses);
}

function sequential(name: string, layers: Layer[], opts: { inputShape: number[]; seed: number; numClasses: number }): Sequential {
  try {
    return new Sequential({ name, inputShape: opts.inputShape, layers, seed: opts.seed, numClasses: opts.numClasses });
  } catch (e) {
    for (const l of layers) l.dispose();
    throw e;
  }
}

/** Builds and initialises the DARTS evaluation network of a genotype. */
export function buildDartsNetwork(opts: DartsNetworkOptions): Sequential {
  checkSize('buildDartsNetwork', opts);
  return sequential(opts.name ?? 'darts', dartsLayers(opts), opts);
}

export interface DartsHypernetworkOptions {
  C: number;
  layers: number;
  numClasses: number;
  inputShape: number[];
  seed: number;
  /** Intermediate nodes per cell; default 4. */
  steps?: number;
  /** Selected at once when given. */
  genotype?: Genotype | string;
  /** Model name; default 'darts-hyper'. */
  name?: string;
}

/** Builds the hypernetwork: the DARTS network with every primitive on every edge of every cell. */
export function buildDartsHypernetwork(opts: DartsHypernetworkOptions): Sequential {
  checkSize('buildDartsHypernetwork', opts);
  const body = new DartsHyperBody('cells', { C: opts.C, layers: opts.layers, steps: opts.steps });
  const model = sequential(opts.name ?? 'darts-hyper', networkLayers(body, opts.C, opts.numClasses), opts);
  if (opts.genotype !== undefined) body.selectGenotype(parseGenotype(opts.genotype));
  return model;
}

/** The body layer of a DARTS network or hypernetwork. */
export function dartsBody(model: Sequential): DartsBody | DartsHyperBody {
  const b = model.layers.find((l) => l instanceof DartsBody || l instanceof DartsHyperBody);
  if (!b) throw new UserError(`model '${model.name}' is not a DARTS network`, 'build it with buildDartsNetwork or buildDartsHypernetwork');
  return b as DartsBody | DartsHyperBody;
}

/** Sets the hypernetwork's switches to a genotype (all normal cells alike, all reduction cells alike). */
export function selectGenotype(hyper: Sequential, genotype: Genotype | string): { normal: SwitchConfig; reduce: SwitchConfig } {
  const body = dartsBody(hyper);
  if (!(body instanceof DartsHyperBody)) throw new UserError(`model '${hyper.name}' is not a DARTS hypernetwork`, 'build it with buildDartsHypernetwork');
  return body.selectGenotype(parseGenotype(genotype));
}

function copyParams(from: Param[], to: Param[], where: string): number {
  if (from.length !== to.length) throw new UserError(`${where}: ${from.length} parameters against ${to.length}`, 'the two networks must have the same C, layers, input shape and classes');
  from.forEach((p, i) => {
    const q = to[i];
    if (JSON.stringify(p.variable.shape) !== JSON.stringify(q.variable.shape) || p.name !== q.name) {
      throw new UserError(`${where}: parameter ${p.name}${JSON.stringify(p.variable.shape)} against ${q.name}${JSON.stringify(q.variable.shape)}`, 'the two networks must have the same C, layers, input shape and classes');
    }
    q.variable.assign(p.variable);
  });
  return from.length;
}

/**
 * Configures the hypernetwork for an individual network's genotype and copies the individual's
 * weights (and batch-norm statistics) into it: stem, classifier, each cell's preprocessing, and each
 * genotype operation into the same primitive on the same edge. Weight transforms are not copied.
 * Returns the number of tensors copied.
 */
export function copyWeightsToHypernet(individual: Sequential, hyper: Sequential): number {
  const src = dartsBody(individual);
  const dst = dartsBody(hyper);
  if (!(src instanceof DartsBody)) throw new UserError(`model '${individual.name}' is not an individual DARTS network`, 'build it with buildDartsNetwork');
  if (!(dst instanceof DartsHyperBody)) throw new UserError(`model '${hyper.name}' is not a DARTS hypernetwork`, 'build it with buildDartsHypernetwork');
  if (JSON.stringify(individual.inputShape) !== JSON.stringify(hyper.inputShape) || src.C !== dst.C || src.layers !== dst.layers || individual.layers.length !== hyper.layers.length) {
    throw new UserError(
      `the networks differ in size: individual C ${src.C}, ${src.layers} cells, input ${JSON.stringify(individual.inputShape)}; hypernetwork C ${dst.C}, ${dst.layers} cells, input ${JSON.stringify(hyper.inputShape)}`,
      'build the hypernetwork with the individual network\'s C, layers and input shape',
    );
  }
  dst.selectGenotype(src.genotype);
  let n = 0;
  individual.layers.forEach((l, i) => {
    if (l !== src) n += copyParams(l.params(), hyper.layers[i].params(), `layer '${l.name}'`);
  });
  src.cells.forEach((cell, i) => {
    const hc = dst.cells[i];
    const g = cell.graph();
    const h = hc.graph();
    g.preprocess.forEach((p, k) => (n += copyParams(p.params(), h.preprocess[k].params(), `cell ${i} preprocessing ${k}`)));
    for (const e of g.ops) n += copyParams(e.op.params(), hc.op(e.from, e.to, e.primitive).params(), `cell ${i} ${e.primitive} ${e.from}->${e.to}`);
  });
  return n;
}

/** Reads the DARTS options of the model zoo's 'darts' entry. */
export function dartsZooLayers(o: ModelOptions): Layer[] {
  const extra = o as ModelOptions & { genotype?: unknown; C?: unknown; layers?: unknown };
  // defaults: 8 cells of 16 initial channels, the size of DARTS' CIFAR-10 search network (Liu et al. 2019)
  const C = extra.C ?? 16;
  const layers = extra.layers ?? 8;
  const genotype = extra.genotype ?? 'DARTS_V2';
  checkSize("model 'darts'", { C: C as number, layers: layers as number, numClasses: o.numClasses, inputShape: o.inputShape });
  return dartsLayers({ genotype: parseGenotype(genotype, "model 'darts' genotype"), C: C as number, layers: layers as number, numClasses: o.numClasses });
}

/**
 * The model zoo's 'darts-hyper' entry: the all-inclusive hypernetwork with every cell switched to
 * `genotype` (normal cells to its normal cell, reduction cells to its reduction cell), so that
 * training updates the selected operations and the `hypernetwork` deploy scheme can compile it.
 */
export function dartsHyperZooLayers(o: ModelOptions): Layer[] {
  const extra = o as ModelOptions & { genotype?: unknown; C?: unknown; layers?: unknown };
  const C = extra.C ?? 16;
  const layers = extra.layers ?? 8;
  const genotype = parseGenotype(extra.genotype ?? 'DARTS_V2', "model 'darts-hyper' genotype");
  checkSize("model 'darts-hyper'", { C: C as number, layers: layers as number, numClasses: o.numClasses, inputShape: o.inputShape });
  const sw = switchesFromGenotype(genotype, DARTS_STEPS);
  const reductions = reductionCells(layers as number);
  const cellSwitches = Array.from({ length: layers as number }, (_, i) => (reductions.includes(i) ? sw.reduce : sw.normal));
  const body = new DartsHyperBody('cells', { C: C as number, layers: layers as number, cellSwitches });
  return networkLayers(body, C as number, o.numClasses);
}

