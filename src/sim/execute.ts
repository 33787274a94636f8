/**
 * Runs a deployment's stages in order on a batch, with analog stages computed by runners that a
 * caller provides: a chip's programmed arrays, or the ideal arrays used for calibration.
 */
import { tf } from '../engine/index.js';
import { Rng } from '../engine/rng.js';
import {
  type AnalogStage,
  type AnalogUnitStage,
  type DartsBodyStage,
  type DartsCellStage,
  type Deployment,
  type DigitalStage,
  type FactorizedReduceStage,
  type RecurrentStage,
  type Stage,
  analogStages,
} from '../deploy/deployment.js';
import { type AnalogStageRunner, type StageCounters, emptyCounters } from './analog.js';

/** Layer types that move or select data without computing (wiring, addressing, constants). */
const NO_OPS = new Set(['Flatten', 'Dropout', 'DartsIdentity', 'DartsZero', 'DartsSubsample']);

/** Element operations a digital stage performs per output element (pool window, 1 for activations). */
export function opsPerOutput(stage: DigitalStage | AnalogUnitStage): number {
  const cfg = stage.layer.config();
  if (NO_OPS.has(stage.layerType)) return 0;
  if (Array.isArray(cfg.poolSize)) return (cfg.poolSize as number[]).reduce((a, b) => a * b, 1);
  if (stage.layerType === 'GlobalAvgPool') return stage.inputShape.slice(0, -1).reduce((a, b) => a * b, 1);
  return 1;
}

/** Digital gate operations per recurrent step and unit (multiplies, adds, nonlinearities), counted from the cell equations. */
const GATE_OPS: Record<string, number> = { SimpleRNN: 2, LSTM: 12, GRU: 11 };

export interface ExecutorOptions {
  /**
   * Analog units (IDM) with their rail and noise (`rng` required), or as their ideal function
   * (calibration). Default: ideal.
   */
  analogUnits?: { rng: Rng } | 'ideal';
}

export class StageExecutor {
  private readonly runners = new Map<string, AnalogStageRunner>();
  private readonly ctx = { training: false, rng: new Rng(0) };

  constructor(
    private readonly deployment: Deployment,
    makeRunner: (stage: AnalogStage) => AnalogStageRunner,
    private readonly opts: ExecutorOptions = {},
  ) {
    for (const s of analogStages(deployment)) this.runners.set(s.name, makeRunner(s));
  }

  runner(name: string): AnalogStageRunner {
    const r = this.runners.get(name);
    if (!r) throw new Error(`no analog stage '${name}'`);
    return r;
  }

  forward(x: tf.Tensor, counters?: StageCounters): tf.Tensor {
    return this.chain(this.deployment.stages, x, counters);
  }

  /** Runs stages one after another; the input stays owned by the caller. */
  private chain(stages: Stage[], x: tf.Tensor, counters?: StageCounters): tf.Tensor {
    let h = x;
    for (const stage of stages) {
      const next = this.stage(stage, h, counters);
      if (h !== x && next !== h) h.dispose(); // an identity hands its input on
      h = next;
    }
    return h === x ? tf.clone(x) : h;
  }

  private stage(stage: Stage, h: tf.Tensor, counters?: StageCounters): tf.Tensor {
    const count = (name: string) => (counters ? (counters[name] ??= emptyCounters()) : undefined);
    if (stage.kind === 'digital') {
      const next = tf.tidy(() => stage.layer.forward(h, this.ctx));
      const c = count(stage.name);
      const ops = opsPerOutput(stage);
      if (c && ops > 0) {
        c.digitalOps += next.size * ops;
        c.bufferBytes += next.size; // one byte per activation code between digital units (reshapes move nothing)
      }
      return next;
    }
    if (stage.kind === 'analog-unit') {
      const next = this.analogUnit(stage, h);
      const c = count(stage.name);
      // one circuit settles per output (a winner-take-all max or an averaging node sees its whole window at once)
      if (c && opsPerOutput(stage) > 0) c.analogOps += next.size;
      return next;
    }
    if (stage.kind === 'analog') return this.runner(stage.name).forward(h, count(stage.name));
    if (stage.kind === 'recurrent') return this.recurrent(stage, h, counters);
    if (stage.kind === 'factorized-reduce') return this.factorizedReduce(stage, h, counters);
    return this.dartsBody(stage, h, counters);
  }

  /** ReLU; conv1 on x and conv2 on x shifted by one pixel, each on its own tiles; concatenated (wiring). */
  private factorizedReduce(stage: FactorizedReduceStage, x: tf.Tensor, counters?: StageCounters): tf.Tensor {
    const r = this.stage(stage.relu, x, counters);
    const [n, h, w, c] = r.shape;
    const shifted = tf.slice(r, [0, 1, 1, 0], [n, h - 1, w - 1, c]);
    const a = this.stage(stage.conv1, r, counters);
    const b = this.stage(stage.conv2, shifted, counters);
    const out = tf.concat([a, b], 3);
    for (const t of [r, shifted, a, b]) t.dispose();
    return out;
  }

  /** s0, s1 <- s1, cell(s0, s1) from s0 = s1 = x; returns the last cell's output. */
  private dartsBody(stage: DartsBodyStage, x: tf.Tensor, counters?: StageCounters): tf.Tensor {
    let s0 = x;
    let s1 = x;
    for (const cell of stage.cells) {
      const out = this.dartsCell(cell, s0, s1, counters);
      if (s0 !== x && s0 !== s1) s0.dispose();
      [s0, s1] = [s1, out];
    }
    if (s0 !== x && s0 !== s1) s0.dispose();
    return s1 === x ? tf.clone(x) : s1;
  }

  /**
   * Preprocessing, then node j = the sum of its active edges (digital adds, counted under
   * '<cell>.node<j>'), then the concatenation of the cell's states (wiring).
   */
  private dartsCell(cell: DartsCellStage, s0: tf.Tensor, s1: tf.Tensor, counters?: StageCounters): tf.Tensor {
    const states: tf.Tensor[] = [this.chain(cell.pre0, s0, counters), this.chain(cell.pre1, s1, counters)];
    for (let j = 2; j < cell.steps + 2; j++) {
      let sum: tf.Tensor | undefined;
      let terms = 0;
      for (const e of cell.edges) {
        if (e.to !== j || !e.active) continue;
        const y = this.chain(e.stages, states[e.from], counters);
        terms += 1;
        if (sum === undefined) sum = y;
        else {
          const s = tf.add(sum, y);
          sum.dispose();
          y.dispose();
          sum = s;
        }
      }
      if (counters && terms > 1) {
        const c = (counters[`${cell.name}.node${j}`] ??= emptyCounters());
        c.digitalOps += (terms - 1) * sum!.size;
        c.bufferBytes += sum!.size;
      }
      states.push(sum ?? tf.zeros([s1.shape[0], ...cell.nodeShape]));
    }
    const out = tf.concat(cell.concat.map((k) => states[k]), 3);
    for (const t of states) t.dispose();
    return out;
  }

  /** The unit's function, then (on a chip) its noise and its rail. */
  private analogUnit(stage: AnalogUnitStage, x: tf.Tensor): tf.Tensor {
    const units = this.opts.analogUnits ?? 'ideal';
    return tf.tidy(() => {
      const y = stage.layer.forward(x, this.ctx);
      if (units === 'ideal' || stage.layerType === 'Flatten' || stage.layerType === 'Dropout') return y;
      const noise = stage.noise > 0 ? tf.mul(tf.tensor(units.rng.fillNormal(new Float32Array(y.size)), y.shape), stage.noise) : undefined;
      return tf.clipByValue(noise ? tf.add(y, noise) : y, -stage.fullScale, stage.fullScale);
    });
  }

  private recurrent(stage: RecurrentStage, x: tf.Tensor, counters?: StageCounters): tf.Tensor {
    const c = (name: string) => (counters ? (counters[name] ??= emptyCounters()) : undefined);
    const [batch, time, features] = x.shape;
    const width = stage.input.N;
    return tf.tidy(() => {
      const flat = tf.reshape(x, [batch * time, features]);
      const proj = this.runner(stage.input.name).forward(flat, c(stage.input.name));
      const steps = tf.unstack(tf.reshape(proj, [batch, time, width]), 1);
      const byBlock = new Map(stage.columnBlocks.map(([a, b], i) => [`${a}:${b}`, stage.recurrent[i]]));
      const product = (h: tf.Tensor, a: number, b: number) => {
        const sub = byBlock.get(`${a}:${b}`)!;
        return this.runner(sub.name).forward(h, c(sub.name));
      };
      const out = stage.layer.unroll(x, steps, product);
      const gc = c(stage.name);
      // a state kept analog (idm) is activated by an analog unit per unit and step; else the gates are digital
      const analogState = stage.recurrent.every((r) => r.tia !== undefined && !r.adcAtOutput);
      if (gc && analogState) gc.analogOps += batch * time * stage.layer.units;
      else if (gc) gc.digitalOps += batch * time * stage.layer.units * (GATE_OPS[stage.layerType] ?? 1);
      return out;
    });
  }

  dispose(): void {
    for (const r of this.runners.values()) r.dispose();
  }
}
