/**
 * Jobs as lists of stages over one shared state. `run`: data -> model (cached or trained) ->
 * evaluate -> report; `train`: data -> train (saved to the output folder) -> evaluate -> report.
 * Later stages of `run` (deploy on crossbars, simulate, estimate cost) slot in before `report` and
 * add their results to the state.
 */
import { type JobConfig, configHash, shortHash } from '../config/index.js';
import type { DatasetSplits } from '../data/dataset.js';
import { type EvalResult, type History, type Sequential, saveModel } from '../nn/index.js';
import { readCachedModel, writeCachedModel } from './cache.js';
import { type CliIO, say } from './io.js';
import { checkNames, loadData, percent, startEngine, testModel, trainModel } from './job.js';
import { outputDir, shownPath, writeResult } from './output.js';
import { packageVersion } from './version.js';

export interface RunState {
  /** The command, for messages and result.json. */
  readonly command: 'run' | 'train';
  readonly config: JobConfig;
  readonly io: CliIO;
  /** Reuse a cached model when there is one (`run --no-cache` turns it off). */
  readonly useCache: boolean;
  data?: DatasetSplits;
  model?: Sequential;
  /** Where the model's files are, whether they came from the cache, and how it was trained. */
  modelSource?: { dir: string; reused: boolean; history: History };
  test?: EvalResult;
  resultPath?: string;
  /** Seconds per stage, by name. */
  seconds: Record<string, number>;
}

export interface Stage {
  readonly name: string;
  /** Does the stage's work; returns a one-line summary. */
  run(state: RunState): Promise<string>;
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`pipeline: ${what} missing (a stage ran out of order)`);
  return v;
}

export const dataStage: Stage = {
  name: 'data',
  async run(s) {
    checkNames(s.config);
    await startEngine(s.config);
    const d = (s.data = await loadData(s.config, s.io));
    return `${s.config.dataset.name}: ${d.train.length} training / ${d.test.length} test samples of shape ${JSON.stringify(d.train.sampleShape)}, ${d.train.numClasses} classes`;
  },
};

/** Reuses the model cached for this config, or trains one and caches it. */
export const modelStage: Stage = {
  name: 'model',
  async run(s) {
    if (s.useCache) {
      const hit = await readCachedModel(s.config, s.io);
      if (hit) {
        s.model = hit.model;
        s.modelSource = { dir: hit.dir, reused: true, history: hit.entry.history };
        return `reused ${hit.model.name} trained earlier by the same config (${shownPath(s.io, hit.dir)}, saved ${hit.entry.savedAt})`;
      }
    }
    const { model, history } = await trainModel(s.config, need(s.data, 'data'), s.io);
    const dir = await writeCachedModel(s.config, s.io, model, history);
    s.model = model;
    s.modelSource = { dir, reused: false, history };
    return `trained ${model.name} in ${history.seconds.toFixed(1)} s, cached in ${shownPath(s.io, dir)}`;
  },
};

/** Trains a model and saves it to the output folder. */
export const trainStage: Stage = {
  name: 'train',
  async run(s) {
    const { model, history } = await trainModel(s.config, need(s.data, 'data'), s.io);
    const dir = outputDir(s.config, s.io);
    await saveModel(model, dir, { config: s.config, configHash: configHash(s.config) });
    s.model = model;
    s.modelSource = { dir, reused: false, history };
    return `trained ${model.name} in ${history.seconds.toFixed(1)} s, saved in ${shownPath(s.io, dir)}`;
  },
};

export const evaluateStage: Stage = {
  name: 'evaluate',
  async run(s) {
    const t = (s.test = await testModel(need(s.model, 'model'), need(s.data, 'data'), s.config));
    return `test accuracy ${percent(t.accuracy)} (loss ${t.loss.toFixed(4)}, ${t.n} samples)`;
  },
};

/** Writes result.json (config, model, data sizes, training history, test result, timings) to the output folder. */
export const reportStage: Stage = {
  name: 'report',
  async run(s) {
    const model = need(s.model, 'model');
    const data = need(s.data, 'data');
    const source = need(s.modelSource, 'model source');
    s.resultPath = writeResult(outputDir(s.config, s.io), {
      command: s.command,
      xbarnet: packageVersion(),
      configHash: configHash(s.config),
      config: s.config,
      model: { name: model.name, parameters: model.paramCount(), dir: source.dir, reusedFromCache: source.reused },
      dataset: { name: s.config.dataset.name, train: data.train.length, test: data.test.length },
      training: source.history,
      test: need(s.test, 'test result'),
      // Seconds of the stages before this one.
      seconds: { ...s.seconds },
    });
    return `wrote ${shownPath(s.io, s.resultPath)}`;
  },
};

/** The main job today: train (or reuse) and test. */
export const RUN_STAGES: readonly Stage[] = [dataStage, modelStage, evaluateStage, reportStage];
export const TRAIN_STAGES: readonly Stage[] = [dataStage, trainStage, evaluateStage, reportStage];

/** Runs the stages in order, printing `[i/n] name: summary (seconds)`. */
export async function runStages(stages: readonly Stage[], state: RunState): Promise<RunState> {
  const { io, config } = state;
  say(io, `xbarnet ${state.command}: ${config.model.name} on ${config.dataset.name} (config ${shortHash(config)})`);
  const t0 = performance.now();
  for (const [i, stage] of stages.entries()) {
    const ts = performance.now();
    const summary = await stage.run(state);
    const sec = (performance.now() - ts) / 1000;
    state.seconds[stage.name] = sec;
    say(io, `[${i + 1}/${stages.length}] ${stage.name}: ${summary} (${sec.toFixed(1)} s)`);
  }
  say(io, `done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return state;
}
