/**
 * Runs a deployment's stages in order on a batch, with analog stages computed by runners that a
 * caller provides: a chip's programmed arrays, or the ideal arrays used for calibration.
 */
import { tf } from '../engine/index.js';
import { Rng } from '../engine/rng.js';
import type { AnalogStage, AnalogUnitStage, Deployment, DigitalStage, RecurrentStage } from '../deploy/deployment.js';
import { type AnalogStageRunner, type StageCounters, emptyCounters } from './analog.js';

/** Element operations a digital stage performs per output element (pool window, 1 for activations). */
function opsPerOutput(stage: DigitalStage | AnalogUnitStage): number {
  const cfg = stage.layer.config();
  if (stage.layerType === 'Flatten' || stage.layerType === 'Dropout') return 0;
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
    for (const stage of deployment.stages) {
      const sub = stage.kind === 'analog' ? [stage] : stage.kind === 'recurrent' ? [stage.input, ...stage.recurrent] : [];
      for (const s of sub) this.runners.set(s.name, makeRunner(s));
    }
  }

  runner(name: string): AnalogStageRunner {
    const r = this.runners.get(name);
    if (!r) throw new Error(`no analog stage '${name}'`);
    return r;
  }

  forward(x: tf.Tensor, counters?: StageCounters): tf.Tensor {
    const count = (name: string) => (counters ? (counters[name] ??= emptyCounters()) : undefined);
    let h = x;
    for (const stage of this.deployment.stages) {
      let next: tf.Tensor;
      if (stage.kind === 'digital') {
        next = tf.tidy(() => stage.layer.forward(h, this.ctx));
        const c = count(stage.name);
        const ops = opsPerOutput(stage);
        if (c && ops > 0) {
          c.digitalOps += next.size * ops;
          c.bufferBytes += next.size; // one byte per activation code between digital units (reshapes move nothing)
        }
      } else if (stage.kind === 'analog-unit') {
        next = this.analogUnit(stage, h);
        const c = count(stage.name);
        // one circuit settles per output (a winner-take-all max or an averaging node sees its whole window at once)
        if (c && opsPerOutput(stage) > 0) c.analogOps += next.size;
      } else if (stage.kind === 'analog') {
        next = this.runner(stage.name).forward(h, count(stage.name));
      } else {
        next = this.recurrent(stage, h, counters);
      }
      if (h !== x) h.dispose();
      h = next;
    }
    return h;
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
