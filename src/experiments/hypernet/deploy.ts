/**
 * Deployment side of the hypernetwork experiment: a quantized DARTS network compiled alone
 * (`conventional`), and the all-inclusive hypernetwork (`hypernetwork` scheme: every primitive of
 * every edge on crossbars, a switch matrix per edge) holding that network's weights with its
 * switches set to the genotype. Each runs on the same N simulated chips; energy, latency and area
 * per inference come from `estimateCost` on chip 0's activity.
 *
 * The hypernetwork is built anew for each genotype from one seed (the same physical array: the
 * same tiles, switches and initial weights on the edges no genotype uses), then
 * `copyWeightsToHypernet` selects the genotype and writes its trained weights, and the deployment
 * is compiled again: each genotype's network was trained on its own, so the stem, preprocessing,
 * classifier and operation weights differ from genotype to genotype and the array is reprogrammed
 * (a switch reconfiguration alone serves genotypes that share one set of weights).
 */
import { type AreaBreakdown, type EnergyBreakdown, estimateCost } from '../../cost/index.js';
import type { HardwareConfig } from '../../crossbar/hardware.js';
import type { Dataset } from '../../data/index.js';
import { compile } from '../../deploy/compile.js';
import { devicePreset } from '../../device/index.js';
import { type Deployment, analogStages } from '../../deploy/deployment.js';
import { hashSeed } from '../../engine/index.js';
import { quantizeModel } from '../../compress/index.js';
import type { Sequential } from '../../nn/index.js';
import { buildDartsHypernetwork, copyWeightsToHypernet } from '../../nn/darts/index.js';
import { runChip } from '../../sim/simulate.js';
import { type MeanStd, meanStd } from '../common/stats.js';
import type { ResolvedHypernetOptions } from './options.js';

export interface DeploymentFigures {
  scheme: string;
  /** Analog (crossbar) stages at the top level of the deployment. */
  stages: number;
  accuracy: MeanStd;
  chipAccuracies: number[];
  /**
   * Accuracy of the same deployment on ideal devices (no programming or read noise; the same
   * converters): what the crossbars compute before device physics, one chip (nothing random).
   */
  idealAccuracy: number;
  /** Joules per inference by component. */
  energy: EnergyBreakdown;
  /** Seconds per inference, stages one after another. */
  latency: number;
  /** Watts: energy per inference / latency (sequential inferences). */
  power: number;
  /** m^2, stage areas plus the activation buffer. */
  area: AreaBreakdown & { buffer: number };
  tiles: number;
  cells: number;
  seconds: number;
}

/** The hypernetwork at the experiment's size; one seed for every genotype (one physical array). */
export function buildHypernetwork(o: ResolvedHypernetOptions, inputShape: number[], numClasses: number): Sequential {
  return buildDartsHypernetwork({ C: o.C, layers: o.cells, numClasses, inputShape, seed: hashSeed(o.seed, 'hypernetwork'), name: 'darts-hyper' });
}

/**
 * The hypernetwork holding `individual`'s trained weights, switched to its genotype, with the same
 * k-bit weight quantizers (per-tensor max scale: a copied tensor quantizes to exactly the
 * individual's levels; the unused primitives are quantized as well, as the array would hold them).
 */
export function hypernetworkFor(o: ResolvedHypernetOptions, individual: Sequential): Sequential {
  const hyper = buildHypernetwork(o, individual.inputShape, individual.numClasses);
  try {
    copyWeightsToHypernet(individual, hyper);
    quantizeModel(hyper, { bits: o.weightBits, grid: 'mid-tread', scale: 'max' });
    return hyper;
  } catch (e) {
    hyper.dispose();
    throw e;
  }
}

/** Runs a compiled deployment on chips 0..n-1 and reads its cost from chip 0's activity. */
export function measureDeployment(d: Deployment, o: ResolvedHypernetOptions, test: Dataset, t0: number, idealAccuracy = NaN): DeploymentFigures {
  const chipSeed = hashSeed(o.seed, 'chips');
  const chips = Array.from({ length: o.chips }, (_, chip) => runChip(d, test, chip, { chips: [chip], seed: chipSeed }));
  const cost = estimateCost(d, chips[0].counters, chips[0].samples);
  const accs = chips.map((c) => c.accuracy);
  return {
    scheme: d.scheme, stages: analogStages(d).length, accuracy: meanStd(accs), chipAccuracies: accs, idealAccuracy, energy: cost.totals.energy,
    latency: cost.totals.latency, power: cost.totals.energy.total * cost.totals.inferencesPerSecond.sequential,
    area: cost.totals.area, tiles: cost.totals.tiles, cells: cost.totals.cells, seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * Compiles `model` with `scheme` on `hw`, calibrated on `calibration`, and measures it; then the same
 * on ideal devices (one chip) for `idealAccuracy`.
 */
export function deployAndMeasure(model: Sequential, hw: HardwareConfig, scheme: string, o: ResolvedHypernetOptions, calibration: Dataset, test: Dataset): DeploymentFigures {
  const t0 = performance.now();
  const ideal = compile(model, { ...hw, device: devicePreset('ideal') }, { scheme, calibration, calibrationSamples: calibration.length });
  const idealAccuracy = runChip(ideal, test, 0, { chips: [0], seed: hashSeed(o.seed, 'chips') }).accuracy;
  const d = compile(model, hw, { scheme, calibration, calibrationSamples: calibration.length });
  return measureDeployment(d, o, test, t0, idealAccuracy);
}
