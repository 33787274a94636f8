/**
 * DARTS networks on crossbars: the body of cells becomes a graph stage (`DartsBodyStage`). Every
 * convolution (depthwise, pointwise, the 1x1 convolutions of the preprocessing and of the factorized
 * reduce) is an analog stage on its own tiles with a directly following batch norm folded in; ReLU,
 * pools, subsampling, identity, zero, node sums and concatenation run in the digital periphery.
 *
 * `dartsStages(model, hw, form)` replaces the DARTS body of a model's conventional stages by the
 * graph stage: 'individual' deploys the selected operations only (a DartsBody's genotype, or a
 * hypernetwork's current selection), 'hypernetwork' deploys every primitive of every edge of a
 * DartsHyperBody with a switch matrix per edge (src/deploy/hypernetwork.ts).
 */
import type { HardwareConfig } from '../crossbar/hardware.js';
import { UserError } from '../errors.js';
import type { Layer } from '../nn/layer.js';
import type { Sequential } from '../nn/model.js';
import { DartsBody, DartsHyperBody } from '../nn/darts/network.js';
import { DartsHyperCell } from '../nn/darts/cell.js';
import { FactorizedReduce } from '../nn/darts/ops.js';
import type { Primitive } from '../nn/darts/genotype.js';
import { DIGITAL_REASON, analogStage, conventionalStages, foldedCrossbarLayer } from './conventional.js';
import type {
  AnalogStage,
  DartsBodyStage,
  DartsCellStage,
  DartsEdgeStage,
  DigitalStage,
  FactorizedReduceStage,
  Stage,
  SwitchMatrixStage,
} from './deployment.js';
import { foldBatchNorm, isCrossbarLayer, linearMatrix } from './extract.js';

/** Why DARTS' non-crossbar layers run digitally. */
const DARTS_REASON: Record<string, string> = {
  DartsIdentity: 'skip connection: wiring, no computation',
  DartsZero: "'none' operation: contributes zeros, no computation",
  DartsSubsample: 'subsampling (stride-2 dilated convolution): address selection in digital periphery',
};

/** The body layer of a DARTS model, or undefined. */
export function dartsBodyLayer(model: Sequential): DartsBody | DartsHyperBody | undefined {
  return model.layers.find((l): l is DartsBody | DartsHyperBody => l instanceof DartsBody || l instanceof DartsHyperBody);
}

export function isDartsModel(model: Sequential): boolean {
  return dartsBodyLayer(model) !== undefined;
}

function digitalStage(layer: Layer): DigitalStage {
  return {
    kind: 'digital', name: layer.name, layerType: layer.type, layer, inputShape: [...layer.inputShape], outputShape: [...layer.outputShape],
    reason: DARTS_REASON[layer.type] ?? DIGITAL_REASON[layer.type] ?? `no crossbar mapping for ${layer.type}: runs in digital periphery`,
  };
}

function factorizedReduceStage(op: FactorizedReduce, hw: HardwareConfig): FactorizedReduceStage {
  const [relu, conv1, conv2, bn] = op.children();
  const half = (conv: Layer, offset: number): AnalogStage => {
    const m = linearMatrix(conv);
    foldBatchNorm(m, bn, offset);
    return analogStage(conv.name, conv.type, m, [...conv.inputShape], [...conv.outputShape], [bn.name], hw);
  };
  return {
    kind: 'factorized-reduce', name: op.name, layerType: op.type, relu: digitalStage(relu),
    conv1: half(conv1, 0), conv2: half(conv2, conv1.outputShape[2]), inputShape: [...op.inputShape], outputShape: [...op.outputShape],
  };
}

/** A chain of plain layers: crossbar layers with a directly following batch norm folded; the rest digital. */
function chainStages(layers: Layer[], hw: HardwareConfig): Stage[] {
  const out: Stage[] = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (layer instanceof FactorizedReduce) {
      out.push(factorizedReduceStage(layer, hw));
    } else if (isCrossbarLayer(layer)) {
      const { m, folded, outputShape, consumed } = foldedCrossbarLayer(layers, i);
      i += consumed - 1;
      out.push(analogStage(layer.name, layer.type, m, [...layer.inputShape], [...outputShape], folded, hw));
    } else if (layer.children().length > 0) {
      out.push(...chainStages(layer.children(), hw));
    } else {
      out.push(digitalStage(layer));
    }
  }
  return out;
}

/** The stages of one operation layer (a chain, a factorized reduce, or a plain layer). */
export function opStages(op: Layer, hw: HardwareConfig): Stage[] {
  return chainStages([op], hw);
}

/** The code bits an activation line carries between periphery units (the ADC's output code). */
function lineBits(hw: HardwareConfig): number {
  return hw.adc.bits;
}

function cellStage(cell: DartsBody['cells'][number] | DartsHyperCell, hw: HardwareConfig, form: 'individual' | 'hypernetwork'): DartsCellStage {
  const g = cell.graph();
  const { C, reduction } = cell.placement;
  const [h, w] = cell.inputShape;
  const nodeShape = reduction ? [Math.ceil(h / 2), Math.ceil(w / 2), C] : [h, w, C];
  let edges: DartsEdgeStage[];
  let switches: SwitchMatrixStage[] | undefined;
  if (form === 'hypernetwork') {
    if (!(cell instanceof DartsHyperCell)) throw new Error(`cell '${cell.name}' is not a hypernetwork cell`);
    const sel = cell.switches!;
    edges = [];
    switches = [];
    cell.edges().forEach((e, k) => {
      const inputs = [...e.ops.keys()] as Primitive[];
      for (const [primitive, op] of e.ops) {
        edges.push({ from: e.from, to: e.to, primitive, name: op.name, stages: opStages(op, hw), active: sel[k] === primitive && primitive !== 'none' });
      }
      switches!.push({
        kind: 'switch-matrix', name: `${cell.name}.e${k}.switch`, from: e.from, to: e.to, inputs, selected: sel[k],
        channels: C, bitsPerLine: lineBits(hw), outputShape: [...nodeShape],
      });
    });
  } else {
    edges = g.ops.map((e) => ({ from: e.from, to: e.to, primitive: e.primitive, name: e.op.name, stages: opStages(e.op, hw), active: true }));
  }
  return {
    name: cell.name, reduction, steps: g.steps, s0Shape: cell.s0Shape, s1Shape: [...cell.inputShape], nodeShape, outputShape: [...cell.outputShape],
    pre0: opStages(g.preprocess[0], hw), pre1: opStages(g.preprocess[1], hw), edges, concat: [...g.concat], ...(switches ? { switches } : {}),
  };
}

/** The graph stage of a DARTS body. */
export function dartsBodyStage(body: DartsBody | DartsHyperBody, hw: HardwareConfig, form: 'individual' | 'hypernetwork'): DartsBodyStage {
  if (form === 'hypernetwork' && !(body instanceof DartsHyperBody)) {
    throw new UserError(`layer '${body.name}' is the body of an individual DARTS network: the hypernetwork scheme needs a hypernetwork`, "use model 'darts-hyper' (buildDartsHypernetwork in code), or deploy this network with scheme 'conventional'");
  }
  if (body instanceof DartsHyperBody) {
    const unset = body.cells.find((c) => c.switches === undefined);
    if (unset) throw new UserError(`hypernetwork cell '${unset.name}' has no switch configuration`, 'select a genotype before compiling (selectGenotype(model, genotype), or buildDartsHypernetwork({genotype}))');
  }
  return {
    kind: 'darts-body', name: body.name, layerType: body.type, inputShape: [...body.inputShape], outputShape: [...body.outputShape],
    cells: body.cells.map((c) => cellStage(c, hw, form)), form, ...(form === 'hypernetwork' ? { sharedPeriphery: true } : {}),
  };
}

/** The conventional stages of a model with its DARTS body as a graph stage. */
export function dartsStages(model: Sequential, hw: HardwareConfig, form: 'individual' | 'hypernetwork'): Stage[] {
  const body = dartsBodyLayer(model);
  if (!body) throw new UserError(`model '${model.name}' is not a DARTS network`, 'build it with buildDartsNetwork or buildDartsHypernetwork');
  return conventionalStages(model, hw).map((s) => (s.kind === 'digital' && s.layer === body ? dartsBodyStage(body, hw, form) : s));
}
