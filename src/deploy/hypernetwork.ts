/**
 * Scheme `hypernetwork` (Lyu et al., "A memristive all-inclusive hypernetwork for parallel analog
 * deployment of full search space architectures", Neural Networks 2024): a DARTS hypernetwork
 * (`buildDartsHypernetwork`) compiled with every primitive of every cell edge deployed once —
 * convolutions on their own tiles, pools, skip and zero as periphery units — and a switch matrix
 * per edge that connects one primitive's output to its node. The switches start at the model's
 * current selection; `configureSwitches` sets them for another genotype without recompiling.
 *
 * How to call it:
 *   const d = compile(hyper, hw, { scheme: 'hypernetwork', calibration });   // hyper: a selected hypernetwork
 *   configureSwitches(d, 'PDARTS');          // or a Genotype, or {normal, reduce} switch lists
 *   runChip(d, data, chip, opts) / new Chip(d, seed) / estimateCost(d, counters, n)
 * `configureSwitches` recalibrates the converter ranges of the now active stages from the
 * calibration inputs the deployment kept (the tiles are not reprogrammed). `simulateChips` recompiles
 * from a saved model in each worker: save the hypernetwork with the genotype selected
 * (`selectGenotype(model, g)` before `saveModel`) to simulate that configuration there.
 */
import type { HardwareConfig } from '../crossbar/hardware.js';
import { UserError } from '../errors.js';
import type { Sequential } from '../nn/model.js';
import { type SwitchConfig, switchesFromGenotype } from '../nn/darts/cell.js';
import type { Genotype } from '../nn/darts/genotype.js';
import { parseGenotype } from '../nn/darts/genotype.js';
import { DartsHyperBody } from '../nn/darts/network.js';
import { recalibrate } from './compile.js';
import { dartsBodyLayer, dartsStages } from './darts.js';
import { type DartsCellStage, type Deployment, type Stage, dartsBodies } from './deployment.js';

/** The stages of a DARTS hypernetwork: every primitive on every edge, switches per edge. */
export function hypernetworkStages(model: Sequential, hw: HardwareConfig): Stage[] {
  const body = dartsBodyLayer(model);
  if (!(body instanceof DartsHyperBody)) {
    throw new UserError(
      `scheme 'hypernetwork' needs a DARTS hypernetwork; model '${model.name}' is ${body ? 'an individual DARTS network' : 'not a DARTS network'}`,
      "use model 'darts-hyper' (buildDartsHypernetwork in code); deploy other networks with scheme 'conventional'",
    );
  }
  return dartsStages(model, hw, 'hypernetwork');
}

function hyperCells(d: Deployment): DartsCellStage[] {
  const bodies = dartsBodies(d).filter((b) => b.form === 'hypernetwork');
  if (bodies.length === 0) throw new UserError(`deployment of '${d.modelName}' (${d.scheme}) has no switches`, "compile a DARTS hypernetwork with scheme 'hypernetwork'");
  return bodies.flatMap((b) => b.cells);
}

/** Sets one cell's switches (one primitive per edge, in the cell's switch order). */
function setCell(c: DartsCellStage, sw: SwitchConfig): void {
  const switches = c.switches!;
  if (sw.length !== switches.length) {
    throw new UserError(`cell '${c.name}': ${sw.length} switch settings for ${switches.length} edges`, 'compile the switches with switchesFromGenotype for this number of nodes');
  }
  switches.forEach((s, k) => {
    if (!s.inputs.includes(sw[k])) throw new UserError(`cell '${c.name}' edge ${s.from}->${s.to}: no primitive '${sw[k]}'`, `primitives: ${s.inputs.join(', ')}`);
    s.selected = sw[k];
  });
  for (const e of c.edges) {
    const k = switches.findIndex((s) => s.from === e.from && s.to === e.to);
    e.active = e.primitive !== 'none' && switches[k].selected === e.primitive;
  }
}

/**
 * Sets every normal cell's switches to the genotype's normal cell and every reduction cell's to its
 * reduction cell (or to the given switch lists), then recalibrates the converters of the active
 * stages. Returns the switch lists set.
 */
export function configureSwitches(d: Deployment, config: Genotype | string | { normal: SwitchConfig; reduce: SwitchConfig }): { normal: SwitchConfig; reduce: SwitchConfig } {
  const cells = hyperCells(d);
  const steps = cells[0].steps;
  const sw = typeof config === 'object' && config !== null && 'reduce' in config && Array.isArray((config as { reduce: unknown }).reduce) && !('normalConcat' in config)
    ? (config as { normal: SwitchConfig; reduce: SwitchConfig })
    : switchesFromGenotype(parseGenotype(config), steps);
  for (const c of cells) setCell(c, c.reduction ? sw.reduce : sw.normal);
  recalibrate(d);
  return { normal: [...sw.normal], reduce: [...sw.reduce] };
}

/** The current switch settings of each cell of a hypernetwork deployment. */
export function switchSettings(d: Deployment): { cell: string; reduction: boolean; switches: SwitchConfig }[] {
  return hyperCells(d).map((c) => ({ cell: c.name, reduction: c.reduction, switches: c.switches!.map((s) => s.selected) }));
}

/**
 * Distinct switch configurations `configureSwitches` can set: per cell type (normal, reduction) the
 * product over its edges of the primitives an edge's switch selects among (cells of one type are
 * set alike). For 4 nodes and 8 primitives this is searchSpaceSize().switchConfigurations.
 */
export function switchConfigurationCount(d: Deployment): bigint {
  const cells = hyperCells(d);
  let n = 1n;
  for (const reduction of [false, true]) {
    const c = cells.find((q) => q.reduction === reduction);
    if (c) for (const s of c.switches!) n *= BigInt(s.inputs.length);
  }
  return n;
}

/** Physical switches of a deployment: selectable primitives x channels x code bits, over all edges. */
export function physicalSwitchCount(d: Deployment): number {
  return hyperCells(d).reduce((a, c) => a + c.switches!.reduce((b, s) => b + s.inputs.filter((p) => p !== 'none').length * s.channels * s.bitsPerLine, 0), 0);
}


/**
 * Whether the primitives of each edge share one set of periphery through the switch matrix (the
 * default of the hypernetwork scheme): the cost model then prices per edge position the largest
 * set of DACs, ADCs, sample-and-holds, shift-adds and digital ALU lanes any of its primitives
 * needs, plus the routing gates; off, every operation keeps its own periphery.
 */
export function setSharedPeriphery(d: Deployment, shared: boolean): void {
  const bodies = dartsBodies(d).filter((b) => b.form === 'hypernetwork');
  if (bodies.length === 0) throw new UserError(`deployment of '${d.modelName}' (${d.scheme}) has no switches`, "compile a DARTS hypernetwork with scheme 'hypernetwork'");
  for (const b of bodies) b.sharedPeriphery = shared;
}
