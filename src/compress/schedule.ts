/**
 * Gradual magnitude pruning (Zhu & Gupta, "To prune, or not to prune", arXiv 1710.01878, 2017): the
 * sparsity rises from s_i to s_f along s_t = s_f + (s_i - s_f) (1 - (t - t0) / (t1 - t0))^3 for t in
 * [t0, t1] (fast at first, while redundant weights abound, slowing towards s_f), then stays at s_f while
 * training goes on (fine-tuning). Here t counts completed epochs and the masks update once per epoch,
 * from `fit`'s `onEpochEnd`.
 */
import { UserError } from '../errors.js';
import type { EpochLog, Sequential } from '../nn/index.js';
import { type GroupNorm, type PruneGranularity, type PruneTransform, pruneModel } from './prune.js';
import { checkInt, checkRange } from './targets.js';

export interface CubicSchedule {
  initialSparsity: number;
  finalSparsity: number;
  /** t0: completed epochs when pruning starts. */
  startEpoch: number;
  /** t1: completed epochs when the final sparsity is reached. */
  endEpoch: number;
}

/** Zhu & Gupta's cubic sparsity at `epoch` completed epochs: s_i up to t0, s_f from t1 on. */
export function cubicSparsity(epoch: number, s: CubicSchedule): number {
  if (epoch <= s.startEpoch) return s.initialSparsity;
  if (epoch >= s.endEpoch) return s.finalSparsity;
  const r = 1 - (epoch - s.startEpoch) / (s.endEpoch - s.startEpoch);
  return s.finalSparsity + (s.initialSparsity - s.finalSparsity) * r * r * r;
}

export interface GradualPruningOptions {
  /** Default 0. */
  initialSparsity?: number;
  finalSparsity: number;
  /** Default 0 (prune from the first epoch on). */
  startEpoch?: number;
  endEpoch: number;
  granularity?: PruneGranularity;
  norm?: GroupNorm;
  layers?: string[];
}

export interface GradualPruning {
  readonly schedule: CubicSchedule;
  readonly transforms: PruneTransform[];
  /** Sparsity after `epoch` completed epochs. */
  sparsityAt(epoch: number): number;
  /** Pass as (or call from) `fit`'s `onEpochEnd`: moves every mask to the sparsity after `log.epoch` epochs. */
  onEpochEnd(log: EpochLog): void;
}

/**
 * Attaches prune transforms at the schedule's sparsity for 0 completed epochs and returns the callback
 * that advances them. Example:
 * `const g = gradualPruning(model, { finalSparsity: 0.8, endEpoch: 6 });
 *  await fit(model, train, { epochs: 10, ..., onEpochEnd: g.onEpochEnd });`
 * prunes during epochs 1..6 and fine-tunes at 80% during epochs 7..10.
 */
export function gradualPruning(model: Sequential, opts: GradualPruningOptions): GradualPruning {
  const who = 'gradualPruning';
  const schedule: CubicSchedule = {
    initialSparsity: checkRange(who, 'initialSparsity', opts.initialSparsity ?? 0, 0, 1, 'a fraction in [0, 1]'),
    finalSparsity: checkRange(who, 'finalSparsity', opts.finalSparsity, 0, 1, 'a fraction in [0, 1], e.g. 0.8'),
    startEpoch: checkInt(who, 'startEpoch', opts.startEpoch ?? 0, 0, Number.MAX_SAFE_INTEGER, 'a whole number of epochs >= 0'),
    endEpoch: checkInt(who, 'endEpoch', opts.endEpoch, 1, Number.MAX_SAFE_INTEGER, 'a whole number of epochs >= 1'),
  };
  if (schedule.finalSparsity < schedule.initialSparsity) {
    throw new UserError(`${who}: finalSparsity ${schedule.finalSparsity} is below initialSparsity ${schedule.initialSparsity}`, 'the schedule only raises the sparsity');
  }
  if (schedule.endEpoch <= schedule.startEpoch) {
    throw new UserError(`${who}: endEpoch ${schedule.endEpoch} must be after startEpoch ${schedule.startEpoch}`, 'e.g. startEpoch: 0, endEpoch: 6');
  }
  const transforms = pruneModel(model, {
    sparsity: cubicSparsity(0, schedule),
    granularity: opts.granularity,
    norm: opts.norm,
    layers: opts.layers,
  });
  const sparsityAt = (epoch: number) => cubicSparsity(epoch, schedule);
  return {
    schedule,
    transforms,
    sparsityAt,
    onEpochEnd: (log: EpochLog) => {
      const s = sparsityAt(log.epoch);
      for (const t of transforms) if (t.sparsity !== s) t.setSparsity(s);
    },
  };
}
