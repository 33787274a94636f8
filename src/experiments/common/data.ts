/** Data loading shared by the experiments: the data root as XBARNET_DATA_DIR, and train/test subsets. */
import { type DatasetName, type DatasetSplits, loadDataset, take } from '../../data/index.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** The loaders' environment: `env` (default process.env) with XBARNET_DATA_DIR set to `dataDir` when one is given. */
export function dataEnv(env: Env | undefined, dataDir: string | undefined): Env {
  return { ...(env ?? process.env), ...(dataDir ? { XBARNET_DATA_DIR: dataDir } : {}) };
}

/** How many samples of each split an experiment uses. */
export interface SampleCounts {
  trainSamples: number;
  testSamples: number;
}

/** `injected` when given, else `name` loaded with at most the counts' samples per split. */
export async function loadLimited(name: DatasetName, counts: SampleCounts, env: Env, injected?: DatasetSplits): Promise<DatasetSplits> {
  return injected ?? (await loadDataset(name, { limit: { train: counts.trainSamples, test: counts.testSamples }, env }));
}

/** The first `trainSamples` training and `testSamples` test samples. */
export function takeSplits(splits: DatasetSplits, counts: SampleCounts): DatasetSplits {
  return { train: take(splits.train, counts.trainSamples), test: take(splits.test, counts.testSamples) };
}
