/**
 * Areas under the ROC and precision-recall curves for a binary per-pixel score, as the paper's DRIVE
 * evaluation (the authors' `lib/metrics.py`): ROC AUC = sklearn `roc_auc_score`; PR AUC = the
 * trapezoidal area under sklearn's `precision_recall_curve` (points at every distinct score
 * threshold, descending, up to the first threshold reaching full recall, plus the point
 * (recall 0, precision 1)), i.e. `np.trapz(precision, recall)`.
 */
import { UserError } from '../../errors.js';

interface Curve {
  /** Cumulative true and false positives at each distinct threshold, scores descending. */
  tps: number[];
  fps: number[];
}

function curve(scores: ArrayLike<number>, labels: ArrayLike<number>): Curve {
  const n = scores.length;
  if (labels.length !== n) throw new UserError(`AUC: ${n} scores but ${labels.length} labels`, 'give one label per score');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const s = scores[i];
    if (!Number.isFinite(s)) throw new UserError(`AUC: score ${s} at position ${i} is not finite`, 'check the model outputs');
    if (labels[i] === 1) tp++;
    else if (labels[i] === 0) fp++;
    else throw new UserError(`AUC: label ${labels[i]} at position ${i} is not 0 or 1`, 'give binary labels');
    // A threshold ends where the next score differs (ties share one point).
    if (k === n - 1 || scores[order[k + 1]] !== s) {
      tps.push(tp);
      fps.push(fp);
    }
  }
  if (tp === 0 || fp === 0) throw new UserError(`AUC: needs both classes, got ${tp} positives and ${fp} negatives`, 'evaluate on data with vessel and background pixels');
  return { tps, fps };
}

/** Area under the ROC curve (trapezoidal over distinct thresholds; ties count one half). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { tps, fps } = curve(scores, labels);
  const P = tps[tps.length - 1];
  const N = fps[fps.length - 1];
  let area = 0;
  let x0 = 0;
  let y0 = 0;
  for (let k = 0; k < tps.length; k++) {
    const x1 = fps[k] / N;
    const y1 = tps[k] / P;
    area += ((x1 - x0) * (y0 + y1)) / 2;
    x0 = x1;
    y0 = y1;
  }
  return area;
}

/** Trapezoidal area under the precision-recall curve (see the file comment). */
export function prAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { tps, fps } = curve(scores, labels);
  const P = tps[tps.length - 1];
  let area = 0;
  let r0 = 0;
  let p0 = 1;
  for (let k = 0; k < tps.length; k++) {
    const r1 = tps[k] / P;
    const p1 = tps[k] / (tps[k] + fps[k]);
    area += ((r1 - r0) * (p0 + p1)) / 2;
    r0 = r1;
    p0 = p1;
    if (tps[k] === P) break;
  }
  return area;
}
