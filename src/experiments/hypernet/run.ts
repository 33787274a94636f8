/**
 * The hypernetwork experiment (issue 7; docs/hypernet-experiment.md), after Lyu et al., "A memristive
 * all-inclusive hypernetwork for parallel analog deployment of full search space architectures",
 * Neural Networks 2024. For each published genotype (DARTS_V1, DARTS_V2, PDARTS) a DARTS network of
 * the chosen size is trained on a CIFAR-10 subset in float, fine-tuned quantization-aware to 8-bit
 * weights and activations, and deployed twice on the same RRAM hardware: alone (`conventional`) and
 * as the all-inclusive hypernetwork switched to it (`hypernetwork`). Reported: software accuracy
 * (float, 8-bit), analog accuracy over chips for both deployments, and the hypernetwork's power,
 * latency and area against the individual deployment's, as ratios.
 * Every number is a pure function of the options (seeds derive from `seed`, subsets are fixed).
 */
import { removeInputQuantizers, weightLevels } from '../../compress/index.js';
import type { DatasetSplits } from '../../data/index.js';
import { UserError } from '../../errors.js';
import { type Sequential, evaluate } from '../../nn/index.js';
import { dataEnv, loadLimited, takeSplits } from '../common/data.js';
import { spread } from '../idm/sequences.js';
import { type DeploymentFigures, deployAndMeasure, hypernetworkFor } from './deploy.js';
import { PAPER_REFERENCE } from './format.js';
import { type HypernetOptions, type ResolvedHypernetOptions, hypernetHardware, resolveHypernetOptions } from './options.js';
import { datasetDigest, trainPair } from './train.js';

export interface HypernetRatios {
  /** Hypernetwork / individual, each a ratio of the two deployments' cost-model figures. */
  power: number;
  latency: number;
  area: number;
  energy: number;
}

export interface HypernetRow {
  genotype: string;
  /** Trainable parameters of the individual network and of the hypernetwork. */
  params: number;
  hyperParams: number;
  floatAccuracy: number;
  /** Software accuracy with k-bit weights and k-bit activations (after quantization-aware fine-tuning). */
  quantAccuracy: number;
  /** Largest number of distinct weight values in one tensor of the quantized network (at most 2^k - 1). */
  maxWeightLevels: number;
  individual: DeploymentFigures;
  hypernetwork: DeploymentFigures;
  ratios: HypernetRatios;
  /** Whether the trained models came from the cache. */
  cached: boolean;
  trainSeconds: number;
}

export interface HypernetResult {
  options: ResolvedHypernetOptions & { dataInjected: boolean };
  data: { dataset: string; train: number; test: number; calibration: number; sampleShape: number[] };
  rows: HypernetRow[];
  /** How the hypernetwork was deployed per genotype. */
  deploymentNote: string;
  paperReference: string;
  seconds: number;
}

export const DEPLOYMENT_NOTE =
  'one hypernetwork (same C, cells, seed: the same physical array) per genotype: copyWeightsToHypernet writes the genotype\'s trained weights and ' +
  'sets its switches, then the hypernetwork scheme is compiled again (the three networks were trained separately, so their weights differ and ' +
  'the array is reprogrammed; a switch reconfiguration alone serves genotypes sharing one set of weights)';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

async function loadData(o: ResolvedHypernetOptions, opts: HypernetOptions): Promise<DatasetSplits> {
  const s = await loadLimited('cifar10', o, dataEnv(opts.env, o.dataDir), opts.data);
  const sh = s.train.sampleShape;
  if (sh.length !== 3 || sh[0] % 4 !== 0 || sh[1] % 4 !== 0) {
    throw new UserError(`hypernet: DARTS networks need images whose height and width are divisible by 4, got ${JSON.stringify(sh)}`, 'use CIFAR-10 (32x32x3)');
  }
  return takeSplits(s, o);
}

/** Largest count of distinct effective weight values over the model's weight tensors. */
function maxLevels(model: Sequential): number {
  return Math.max(...weightLevels(model).map((l) => l.distinct));
}

function trainable(model: Sequential): number {
  return model.trainableParams().reduce((n, p) => n + p.variable.size, 0);
}

export async function runHypernetExperiment(opts: HypernetOptions): Promise<HypernetResult> {
  const o = resolveHypernetOptions(opts);
  const progress = opts.onProgress ?? (() => {});
  const t0 = performance.now();
  const data = await loadData(o, opts);
  const calibration = spread(data.train, o.calibrationSamples);
  progress({ stage: 'data', message: `${data.train.name}: ${data.train.length} training and ${data.test.length} test images ${JSON.stringify(data.train.sampleShape)}` });
  const digest = datasetDigest(data.train);
  const hw = hypernetHardware(o);
  const result: HypernetResult = {
    options: { ...o, dataInjected: opts.data !== undefined },
    data: { dataset: data.train.name.replace(/\/train$/, ''), train: data.train.length, test: data.test.length, calibration: calibration.length, sampleShape: [...data.train.sampleShape] },
    rows: [], deploymentNote: DEPLOYMENT_NOTE, paperReference: PAPER_REFERENCE, seconds: 0,
  };
  for (const genotype of o.genotypes) {
    const tt = performance.now();
    const pair = await trainPair(o, genotype, data.train, digest, (stage, message) => progress({ genotype, stage, message }));
    const trainSeconds = (performance.now() - tt) / 1000;
    let hyper: Sequential | undefined;
    try {
      const floatAccuracy = (await evaluate(pair.float, data.test)).accuracy;
      const quantAccuracy = (await evaluate(pair.quantized, data.test)).accuracy;
      progress({ genotype, stage: 'quantize', message: `${genotype}: software accuracy float ${pct(floatAccuracy)}, ${o.weightBits}-bit ${pct(quantAccuracy)}` });
      // the deployment has its own DAC: compile the network without the software input quantizers
      removeInputQuantizers(pair.quantized);
      const maxWeightLevels = maxLevels(pair.quantized);
      const individual = deployAndMeasure(pair.quantized, hw, 'conventional', o, calibration, data.test);
      progress({ genotype, stage: 'deploy', message: `${genotype}: individual (conventional) on ${o.chips} chip(s): ${pct(individual.accuracy.mean)}, ideal devices ${pct(individual.idealAccuracy)} (${individual.seconds.toFixed(0)} s)` });
      hyper = hypernetworkFor(o, pair.quantized);
      const hypernetwork = deployAndMeasure(hyper, hw, 'hypernetwork', o, calibration, data.test);
      progress({ genotype, stage: 'deploy', message: `${genotype}: hypernetwork on ${o.chips} chip(s): ${pct(hypernetwork.accuracy.mean)}, ideal devices ${pct(hypernetwork.idealAccuracy)} (${hypernetwork.seconds.toFixed(0)} s)` });
      result.rows.push({
        genotype, params: trainable(pair.float), hyperParams: trainable(hyper), floatAccuracy, quantAccuracy, maxWeightLevels,
        individual, hypernetwork,
        ratios: {
          power: hypernetwork.power / individual.power,
          latency: hypernetwork.latency / individual.latency,
          area: hypernetwork.area.total / individual.area.total,
          energy: hypernetwork.energy.total / individual.energy.total,
        },
        cached: pair.cached, trainSeconds,
      });
    } finally {
      pair.float.dispose();
      pair.quantized.dispose();
      hyper?.dispose();
    }
  }
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}
