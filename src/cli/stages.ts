/**
 * Jobs as lists of stages over one shared state.
 * - `run`: data -> model (cached or trained) -> evaluate -> deploy -> simulate -> cost -> report
 *   (`run --no-sim`: data -> model -> evaluate -> report);
 * - `deploy`: data -> model -> deploy -> report; `simulate`: data -> model -> evaluate -> deploy ->
 *   simulate -> report; `cost`: data -> model -> deploy -> activity (one chip) -> cost -> report;
 * - `train`: data -> train (saved to the output folder) -> evaluate -> result.json.
 * Every stage prints one line; the command then prints its table (`finalOutput`).
 */
import os from 'node:os';
import { type JobConfig, configHash, hardwareFromConfig, jobHash, shortHash } from '../config/index.js';
import type { HardwareConfig } from '../crossbar/hardware.js';
import { estimateCost } from '../cost/estimate.js';
import { formatArea, formatCostTable, formatSi } from '../cost/format.js';
import type { DatasetName } from '../data/index.js';
import type { DatasetSplits } from '../data/dataset.js';
import { compile } from '../deploy/compile.js';
import type { Deployment } from '../deploy/deployment.js';
import { type EvalResult, type History, type Sequential, saveModel } from '../nn/index.js';
import {
  type CostRecord,
  type DeploymentInspection,
  type ReportData,
  type SimulationRecord,
  accuracySpread,
  chipTable,
  formatFinal,
  formatInspection,
  formatSummary,
  inspectDeployment,
  renderReport,
  renderText,
} from '../report/index.js';
import type { MonteCarloSetup } from '../sim/montecarlo-job.js';
import { simulateChips } from '../sim/parallel.js';
import { accuracyStats } from '../sim/simulate.js';
import { readCachedModel, writeCachedModel } from './cache.js';
import { type CliIO, say } from './io.js';
import { checkNames, loadData, percent, startEngine, testModel, trainModel, workerDatasetOptions } from './job.js';
import { outputDir, shownPath, writeResult, writeText } from './output.js';
import { chipProgress } from './progress.js';
import { packageVersion } from './version.js';

export type CommandName = 'run' | 'train' | 'deploy' | 'simulate' | 'cost';

export interface RunState {
  /** The command, for messages and the report. */
  readonly command: CommandName;
  readonly config: JobConfig;
  readonly io: CliIO;
  /** Reuse a cached model when there is one (`run --no-cache` turns it off). */
  readonly useCache: boolean;
  data?: DatasetSplits;
  model?: Sequential;
  /** Where the model's files are, whether they came from the cache, and how it was trained. */
  modelSource?: { dir: string; reused: boolean; history: History };
  test?: EvalResult;
  hardware?: HardwareConfig;
  deployment?: Deployment;
  inspection?: DeploymentInspection;
  simulation?: SimulationRecord;
  cost?: CostRecord;
  report?: ReportData;
  /** Files the report stage wrote. */
  written?: string[];
  resultPath?: string;
  /** Seconds per stage, by name. */
  seconds: Record<string, number>;
  /** Names of the stages this job runs (set by runStages), so early stages can check for later ones. */
  plan?: readonly string[];
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
    return `software (float) test accuracy ${percent(t.accuracy)} (loss ${t.loss.toFixed(4)}, ${t.n} samples)`;
  },
};

/** Compiles the model onto the configured crossbars, converters calibrated on the first training samples. */
export const deployStage: Stage = {
  name: 'deploy',
  async run(s) {
    const hw = (s.hardware = hardwareFromConfig(s.config.hardware));
    const data = need(s.data, 'data');
    const sim = s.config.simulation;
    const calibrationSamples = Math.min(sim.calibrationSamples, data.train.length);
    const d = (s.deployment = compile(need(s.model, 'model'), hw, { scheme: sim.scheme, calibration: data.train, calibrationSamples }));
    const ins = (s.inspection = inspectDeployment(d));
    const t = ins.totals;
    return (
      `${d.scheme} scheme: ${t.tiles} tile${t.tiles === 1 ? '' : 's'} of ${hw.tile.rows}x${hw.tile.cols} for ${t.analogStages} crossbar stage${t.analogStages === 1 ? '' : 's'} ` +
      `(${percent(t.cells > 0 ? t.programmedCells / t.cells : 0)} of cells used), ${t.digitalStages} digital; ` +
      `converters calibrated on ${calibrationSamples} training samples`
    );
  },
};

/**
 * Monte Carlo over chips in worker threads (`simulateChips`): every chip programmed with its own
 * seed runs the whole test split. `firstChipOnly` runs chip 0 alone, for its activity counts.
 */
function simulationStage(name: string, firstChipOnly: boolean): Stage {
  return {
    name,
    async run(s) {
      const cfg = s.config;
      const sim = cfg.simulation;
      const data = need(s.data, 'data');
      const chips = firstChipOnly ? [0] : [...Array(sim.chips).keys()];
      const threads = Math.max(1, Math.min(sim.threads ?? os.availableParallelism(), chips.length));
      const setup: MonteCarloSetup = {
        modelDir: need(s.modelSource, 'model source').dir,
        hardware: need(s.hardware, 'hardware'),
        scheme: sim.scheme,
        dataset: { name: cfg.dataset.name as DatasetName, options: workerDatasetOptions(cfg, s.io) },
        calibrationSamples: Math.min(sim.calibrationSamples, data.train.length),
        seed: cfg.seed,
        driftSeconds: sim.driftSeconds,
        batchSize: sim.batchSize,
      };
      say(s.io, `simulating ${chips.length} chip${chips.length === 1 ? '' : 's'} on ${data.test.length} test samples with ${threads} thread${threads === 1 ? '' : 's'}`);
      const progress = chipProgress(s.io, chips.length, name);
      const t0 = performance.now();
      let results;
      try {
        results = await simulateChips(setup, chips, {
          threads,
          onChipDone: (r, done, total) =>
            progress.chipDone(`chip ${r.chip} (${done}/${total}): accuracy ${percent(r.accuracy)}, ${r.stuckCells} stuck cells`, done, total),
        });
      } finally {
        progress.stop();
      }
      const seconds = (performance.now() - t0) / 1000;
      const records = results.map((r) => ({
        chip: r.chip, seed: r.seed, accuracy: r.accuracy, correct: r.correct, samples: r.samples, stuckCells: r.stuckCells, counters: r.counters,
      }));
      const stats = accuracyStats(records.map((r) => r.accuracy));
      // runChip scores one label per sample, or per pixel for segmentation
      const scored = true;
      s.simulation = { chips: records, stats, scored, threads, driftSeconds: sim.driftSeconds, seconds };
      return firstChipOnly
        ? `chip 0 ran ${records[0].samples} test samples${scored ? `: accuracy ${percent(records[0].accuracy)}` : ''}, activity counted`
        : `analog accuracy over ${records.length} chip${records.length === 1 ? '' : 's'} ${accuracySpread(stats)}`;
    },
  };
}

export const simulateStage: Stage = simulationStage('simulate', false);
/** One chip on the test split, for the activity the cost estimate reads. */
export const activityStage: Stage = simulationStage('activity', true);

/** Energy, latency and area from the deployment and the activity of chip 0 on the test split. */
export const costStage: Stage = {
  name: 'cost',
  async run(s) {
    const chip = need(s.simulation, 'simulation').chips[0];
    const report = estimateCost(need(s.deployment, 'deployment'), chip.counters, chip.samples);
    s.cost = { chip: chip.chip, inferences: chip.samples, report };
    const t = report.totals;
    return (
      `per inference ${formatSi(t.energy.total, 'J')}, ${formatSi(t.latency, 's')}; area ${formatArea(t.area.total)}; ` +
      `${t.topsPerWatt.toPrecision(3)} TOPS/W (activity of chip ${chip.chip} over ${chip.samples} inferences)`
    );
  },
};

/** The report record of a job, from whatever stages ran. */
export function reportData(s: RunState): ReportData {
  const model = need(s.model, 'model');
  const data = need(s.data, 'data');
  const source = need(s.modelSource, 'model source');
  return {
    command: s.command,
    xbarnet: packageVersion(),
    createdAt: new Date().toISOString(),
    configHash: configHash(s.config),
    jobHash: jobHash(s.config),
    config: s.config,
    model: { name: model.name, parameters: model.paramCount(), dir: source.dir, reusedFromCache: source.reused },
    dataset: { name: s.config.dataset.name, train: data.train.length, test: data.test.length },
    training: source.history,
    software: s.test,
    ...(s.inspection ? { deployment: s.inspection } : {}),
    ...(s.simulation ? { simulation: s.simulation } : {}),
    ...(s.cost ? { cost: s.cost } : {}),
    // seconds of the stages before the report
    seconds: { ...s.seconds },
  };
}

/** The file name the report of a command is written under: `report` for run, else the command's name. */
export function reportBaseName(command: CommandName): string {
  return command === 'run' ? 'report' : command;
}

/** Writes `<base>.json` and a self-contained `<base>.html` (tables and inline SVG charts) to the run's folder. */
export const reportStage: Stage = {
  name: 'report',
  async run(s) {
    const data = (s.report = reportData(s));
    const { json, html } = await renderReport(data);
    const dir = outputDir(s.config, s.io, 'job');
    const base = reportBaseName(s.command);
    s.written = [writeText(dir, `${base}.json`, json), writeText(dir, `${base}.html`, html)];
    return `wrote ${s.written.map((p) => shownPath(s.io, p)).join(' and ')}`;
  },
};

/** `train`: writes result.json (config, model, data sizes, training history, test result, timings) next to the model. */
export const trainResultStage: Stage = {
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

/** The main job: train (or reuse), test, deploy, simulate the chips, estimate the cost, report. */
export const RUN_STAGES: readonly Stage[] = [dataStage, modelStage, evaluateStage, deployStage, simulateStage, costStage, reportStage];
/** `run --no-sim`: the software half only. */
export const RUN_SOFTWARE_STAGES: readonly Stage[] = [dataStage, modelStage, evaluateStage, reportStage];
export const DEPLOY_STAGES: readonly Stage[] = [dataStage, modelStage, deployStage, reportStage];
export const SIMULATE_STAGES: readonly Stage[] = [dataStage, modelStage, evaluateStage, deployStage, simulateStage, reportStage];
export const COST_STAGES: readonly Stage[] = [dataStage, modelStage, deployStage, activityStage, costStage, reportStage];
export const TRAIN_STAGES: readonly Stage[] = [dataStage, trainStage, evaluateStage, trainResultStage];

/** Runs the stages in order, printing `[i/n] name: summary (seconds)`. */
export async function runStages(stages: readonly Stage[], state: RunState): Promise<RunState> {
  const { io, config } = state;
  say(io, `xbarnet ${state.command}: ${config.model.name} on ${config.dataset.name} (model ${shortHash(config)}, job ${jobHash(config).slice(0, 12)})`);
  state.plan = stages.map((st) => st.name);
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

/** What a command prints after its stages: its table(s), then the files written. */
export function finalOutput(s: RunState): string {
  const r = s.report;
  if (!r) return '';
  const parts: string[] = [];
  if (s.command === 'deploy' && r.deployment) parts.push(formatInspection(r.deployment));
  else if (s.command === 'simulate' && r.simulation) parts.push(renderText(chipTable(r.simulation.chips)), formatSummary(r));
  else if (s.command === 'cost' && r.cost) parts.push(formatSummary(r), formatCostTable(r.cost.report));
  else parts.push(formatFinal(r));
  if (s.written?.length) parts.push(`report: ${s.written.map((p) => shownPath(s.io, p)).join(', ')}`);
  return parts.join('\n\n');
}
