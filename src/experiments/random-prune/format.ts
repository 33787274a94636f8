/**
 * The experiment's terminal table, with the paper's published figures printed beside ours. The
 * paper's numbers live only here, as labelled reference values, and are never used in computation.
 */
import { type MeanStd } from '../common/stats.js';
import { si, textTable } from '../common/table.js';
import type { RandomPruneTask } from './networks.js';
import type { RandomPruneResult, TaskResult } from './run.js';

/**
 * Reference values: "Pruning random resistive memory for optimizing analogue AI", arXiv 2311.07164
 * abstract (gains; energy-efficiency improvement) and the Nat. Commun. version's abstract (energy
 * reduction); PAPERS.md section 2, docs/sources.md section 6. The baselines behind the gains are not
 * stated in any source we have.
 */
export const PAPER_REFERENCE: Readonly<Record<RandomPruneTask, { metric: string; gain: string; energyArxiv: string; energyNatCommun: string }>> = {
  'fashion-mnist': { metric: 'accuracy', gain: '+17.3 %', energyArxiv: '82.1 %', energyNatCommun: '78.3 %' },
  fsdd: { metric: 'accuracy', gain: '+19.9 %', energyArxiv: '51.2 %', energyNatCommun: '67.9 %' },
  vessels: { metric: 'PR AUC (DRIVE)', gain: '+9.8 % PR AUC, +2 % ROC AUC', energyArxiv: '99.8 %', energyNatCommun: '99.7 %' },
};

function pm(m: MeanStd | undefined, scale = 100, digits = 2, unit = ' %'): string {
  if (!m || !Number.isFinite(m.mean)) return '-';
  const s = Number.isFinite(m.std) ? ` ± ${(scale * m.std).toFixed(digits)}` : '';
  return `${(scale * m.mean).toFixed(digits)}${s}${unit}`;
}

function siPm(m: MeanStd, unit: string): string {
  return Number.isFinite(m.std) && m.n > 1 ? `${si(m.mean, unit)} ± ${si(m.std, unit)}` : si(m.mean, unit);
}

function signed(x: number, digits = 2): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
}

function taskTable(t: TaskResult): string {
  const vessels = t.task === 'vessels';
  const header = ['method', vessels ? 'PR AUC' : 'accuracy', ...(vessels ? ['ROC AUC'] : []), 'before write-verify', 'energy / inference', 'programming energy', 'programming time'];
  const names = {
    supermask: 'supermask on random chip',
    readout: '(a) random chip, trained readout',
    conventional: '(b) float-trained, write-verify',
  } as const;
  const rows = (['supermask', 'readout', 'conventional'] as const).map((k) => {
    const s = t.summary[k];
    return [names[k], pm(s.main), ...(vessels ? [pm(s.rocAuc)] : []), pm(s.beforeProgramming), siPm(s.energy, 'J'), siPm(s.programmingEnergy, 'J'), siPm(s.programmingTime, 's')];
  });
  const S = t.summary;
  const gain = (k: 'readout' | 'conventional') => `${signed(100 * (S.supermask.main.mean - S[k].main.mean))} pp`;
  const rocGain = (k: 'readout' | 'conventional') => (vessels ? `, ROC ${signed(100 * ((S.supermask.rocAuc?.mean ?? NaN) - (S[k].rocAuc?.mean ?? NaN)))} pp` : '');
  const reduction = (k: 'readout' | 'conventional') => `${(100 * (1 - S.supermask.energy.mean / S[k].energy.mean)).toFixed(1)} %`;
  const progRatio = S.conventional.programmingEnergy.mean / S.supermask.programmingEnergy.mean;
  const timeRatio = S.conventional.programmingTime.mean / S.supermask.programmingTime.mean;
  const ref = PAPER_REFERENCE[t.task];
  const chips = t.chips;
  const mask = chips.map((c) => `${(100 * c.supermask.mask.density).toFixed(2)} % kept, ${c.supermask.mask.flips} flips`).join('; ');
  const unchanged = chips.every((c) => c.supermask.weightsUnchanged);
  const comparison = textTable(
    ['comparison', 'ours', 'paper (arXiv 2311.07164 / Nat. Commun.)'],
    [
      [`${vessels ? 'PR AUC' : 'accuracy'} gain vs (a)`, `${gain('readout')}${rocGain('readout')}`, `${ref.gain} (baseline not stated)`],
      [`${vessels ? 'PR AUC' : 'accuracy'} gain vs (b)`, `${gain('conventional')}${rocGain('conventional')}`, `${ref.gain} (baseline not stated)`],
      ['inference energy saved vs (a)', reduction('readout'), `${ref.energyArxiv} / ${ref.energyNatCommun} (baseline not stated)`],
      ['inference energy saved vs (b)', reduction('conventional'), `${ref.energyArxiv} / ${ref.energyNatCommun} (baseline not stated)`],
      ['programming energy (b) / supermask', `${progRatio.toFixed(1)}x`, '-'],
      ['programming time (b) / supermask', `${timeRatio.toFixed(1)}x`, '-'],
    ],
  );
  return [
    `random-prune ${t.task}: train ${t.train}, test ${t.test}, mask epochs ${t.epochs}, baseline epochs ${t.baselineEpochs}, chips ${chips.length} (mean ± std over chips), ${t.seconds.toFixed(0)} s`,
    textTable(header, rows, header.map((_, i) => i > 0)),
    '',
    comparison,
    `masks: ${mask}; stored chip weights bit-identical after mask training: ${unchanged ? 'yes' : 'NO'}`,
  ].join('\n');
}

/** Terminal table of a run: one block per task. */
export function formatRandomPruneTable(result: RandomPruneResult): string {
  return [...result.tasks.map(taskTable), `total ${result.seconds.toFixed(0)} s`].join('\n\n');
}
