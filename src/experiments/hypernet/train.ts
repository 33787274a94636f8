/**
 * Training for the hypernetwork experiment: per genotype a float DARTS network (Adam, cosine
 * schedule, optional flip/crop augmentation), then a copy fine-tuned quantization-aware to k-bit
 * weights (`quantizeModel`, every convolution and dense layer inside the cells included) and k-bit
 * activations at every crossbar layer's input (`quantizeLayerInputs`, the DAC's transfer function),
 * both with straight-through gradients.
 *
 * Cache: the two trained models of a genotype are stored under `<cacheDir>/<key>/` where the key
 * hashes everything that determines them (genotype, size, training options, seed, and the training
 * data's bytes), with the input quantizers' running ranges beside them; a rerun with the same
 * options loads them instead of training.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type InputQuantizerState, inputQuantizers, quantizeLayerInputs, quantizeModel } from '../../compress/index.js';
import { canonicalJson } from '../../config/hash.js';
import type { Dataset } from '../../data/index.js';
import { hashSeed } from '../../engine/index.js';
import { type FitOptions, type History, type Sequential, fit, loadModel, saveModel } from '../../nn/index.js';
import { buildDartsNetwork, genotypeToString, parseGenotype } from '../../nn/darts/index.js';
import { copyParams } from '../prune-quant/clone.js';
import type { ResolvedHypernetOptions } from './options.js';

/** Bumped when training changes in a way the options do not show, so old cache entries are not reused. */
const CACHE_VERSION = 1;

export interface TrainedPair {
  /** The float network. */
  float: Sequential;
  /** The quantization-aware network: weight quantizers attached, input quantizers installed. */
  quantized: Sequential;
  floatHistory: History;
  quantHistory: History;
  /** Whether both came from the cache. */
  cached: boolean;
  /** The cache folder, when caching. */
  cacheEntry?: string;
}

/** The DARTS network of a genotype at the experiment's size, initialised from the seed (the same seed gives the same weights). */
export function buildNetwork(o: ResolvedHypernetOptions, genotype: string, train: Dataset): Sequential {
  return buildDartsNetwork({
    genotype, C: o.C, layers: o.cells, numClasses: train.numClasses, inputShape: train.sampleShape,
    seed: hashSeed(o.seed, 'model', genotype), name: `darts-${genotype.toLowerCase()}`,
  });
}

/** Attaches k-bit weight quantizers (mid-tread, per-tensor max scale) and k-bit DAC input quantizers. */
export function attachQuantizers(model: Sequential, o: Pick<ResolvedHypernetOptions, 'weightBits' | 'activationBits'>): void {
  quantizeModel(model, { bits: o.weightBits, grid: 'mid-tread', scale: 'max' });
  quantizeLayerInputs(model, { bits: o.activationBits });
}

function fitOptions(o: ResolvedHypernetOptions, epochs: number, lr: number, label: string): FitOptions {
  return {
    epochs, batchSize: o.batchSize, optimizer: { type: 'adam', lr }, schedule: { type: 'cosine' },
    seed: hashSeed(o.seed, 'fit', label), progress: false,
    ...(o.augment && { augment: { flipHorizontal: true, cropPadding: 4 } }),
  };
}

/** sha256 of a dataset's samples and labels (the cache key's data identity). */
export function datasetDigest(ds: Dataset): string {
  const h = createHash('sha256');
  h.update(canonicalJson({ shape: ds.sampleShape, labels: ds.labelShape, classes: ds.numClasses, n: ds.length }));
  h.update(new Uint8Array(ds.x.buffer, ds.x.byteOffset, ds.x.byteLength));
  h.update(new Uint8Array(ds.y.buffer, ds.y.byteOffset, ds.y.byteLength));
  return h.digest('hex');
}

/** The cache key of a genotype's trained pair: a hash of everything that determines the two models. */
export function trainingKey(o: ResolvedHypernetOptions, genotype: string, dataDigest: string): string {
  const identity = {
    version: CACHE_VERSION, genotype: genotypeToString(parseGenotype(genotype)), C: o.C, cells: o.cells, seed: o.seed,
    epochs: o.epochs, quantEpochs: o.quantEpochs, batchSize: o.batchSize, lr: o.lr, fineTuneLr: o.fineTuneLr, augment: o.augment,
    weightBits: o.weightBits, activationBits: o.activationBits, data: dataDigest,
  };
  return createHash('sha256').update(`xbarnet-hypernet-train\n${canonicalJson(identity)}`).digest('hex').slice(0, 16);
}

interface CacheEntry {
  key: string;
  genotype: string;
  floatHistory: History;
  quantHistory: History;
  /** Input quantizer state by layer name. */
  inputRanges: Record<string, InputQuantizerState>;
  savedAt: string;
}

const ENTRY = 'entry.json';

async function readCache(dir: string, key: string, o: ResolvedHypernetOptions): Promise<TrainedPair | undefined> {
  const path = join(dir, ENTRY);
  if (!existsSync(path)) return undefined;
  let entry: CacheEntry;
  let float: Sequential | undefined;
  try {
    entry = JSON.parse(readFileSync(path, 'utf8')) as CacheEntry;
    if (entry.key !== key) return undefined;
    float = await loadModel(join(dir, 'float'));
    const quantized = await loadModel(join(dir, 'quantized'));
    quantizeLayerInputs(quantized, { bits: o.activationBits });
    for (const q of inputQuantizers(quantized)) {
      const s = entry.inputRanges[q.layer.name];
      if (!s) throw new Error(`no input range for '${q.layer.name}'`);
      q.setState(s);
    }
    return { float, quantized, floatHistory: entry.floatHistory, quantHistory: entry.quantHistory, cached: true, cacheEntry: dir };
  } catch {
    float?.dispose();
    return undefined; // a damaged entry: train anew (and overwrite it)
  }
}

async function writeCache(dir: string, key: string, genotype: string, pair: TrainedPair): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await saveModel(pair.float, join(tmp, 'float'), { experiment: 'hypernet', key });
    await saveModel(pair.quantized, join(tmp, 'quantized'), { experiment: 'hypernet', key });
    const entry: CacheEntry = {
      key, genotype, floatHistory: pair.floatHistory, quantHistory: pair.quantHistory,
      inputRanges: Object.fromEntries(inputQuantizers(pair.quantized).map((q) => [q.layer.name, q.state()])),
      savedAt: new Date().toISOString(),
    };
    writeFileSync(join(tmp, ENTRY), `${JSON.stringify(entry, null, 2)}\n`);
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!existsSync(join(dir, ENTRY))) throw e; // another process stored the same entry first
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The float and the quantization-aware network of a genotype: from the cache when it holds them,
 * else trained (and stored when `o.cacheDir` is set).
 */
export async function trainPair(
  o: ResolvedHypernetOptions,
  genotype: string,
  train: Dataset,
  dataDigest: string,
  say: (stage: 'train' | 'quantize', message: string) => void,
): Promise<TrainedPair> {
  const key = trainingKey(o, genotype, dataDigest);
  const dir = o.cacheDir !== undefined ? join(o.cacheDir, `${genotype.toLowerCase()}-${key}`) : undefined;
  if (dir) {
    const hit = await readCache(dir, key, o);
    if (hit) {
      say('train', `${genotype}: trained models loaded from ${dir}`);
      return hit;
    }
  }
  const float = buildNetwork(o, genotype, train);
  let quantized: Sequential | undefined;
  try {
    say('train', `${genotype}: training float (${train.length} images x ${o.epochs} epochs, ${float.trainableParams().reduce((n, p) => n + p.variable.size, 0)} parameters)`);
    const floatHistory = await fit(float, train, fitOptions(o, o.epochs, o.lr, `float-${genotype}`));
    const last = floatHistory.epochs[floatHistory.epochs.length - 1];
    say('train', `${genotype}: float done in ${floatHistory.seconds.toFixed(0)} s (training accuracy ${(100 * last.accuracy).toFixed(1)}%)`);
    quantized = buildNetwork(o, genotype, train);
    copyParams(float, quantized);
    attachQuantizers(quantized, o);
    const quantHistory = await fit(quantized, train, fitOptions(o, o.quantEpochs, o.fineTuneLr, `quant-${genotype}`));
    say('quantize', `${genotype}: ${o.weightBits}-bit weights / ${o.activationBits}-bit activations fine-tuned in ${quantHistory.seconds.toFixed(0)} s`);
    const pair: TrainedPair = { float, quantized, floatHistory, quantHistory, cached: false };
    if (dir) {
      mkdirSync(o.cacheDir as string, { recursive: true });
      await writeCache(dir, key, genotype, pair);
      pair.cacheEntry = dir;
    }
    return pair;
  } catch (e) {
    float.dispose();
    quantized?.dispose();
    throw e;
  }
}
