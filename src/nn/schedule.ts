/**
 * Learning-rate schedules as a function of training progress (fractional epochs).
 * - constant; - cosine annealing to zero (Loshchilov & Hutter, SGDR, ICLR 2017, without restarts);
 * - step: multiply by gamma every stepEvery epochs.
 * An optional linear warm-up to lr over the first warmupEpochs (Goyal et al., "Accurate, Large Minibatch
 * SGD", 2017); its first step uses lr / (warm-up steps), its last the full lr.
 */
import { UserError } from '../errors.js';

export interface ScheduleOptions {
  type: 'constant' | 'cosine' | 'step';
  /** Step schedule: epochs between decays (required for 'step'). */
  stepEvery?: number;
  /** Step schedule: decay factor, default 0.1. */
  gamma?: number;
  /** Linear warm-up length in epochs, default 0. */
  warmupEpochs?: number;
}

export type LrSchedule = (epochProgress: number) => number;

/** A function from progress in epochs (0 at the start, `epochs` at the end) to the learning rate. */
export function makeSchedule(
  baseLr: number,
  epochs: number,
  s: ScheduleOptions = { type: 'constant' },
  stepsPerEpoch = 1,
): LrSchedule {
  const warm = s.warmupEpochs ?? 0;
  if (!(warm >= 0) || (warm > 0 && warm >= epochs)) {
    throw new UserError(`schedule: warmupEpochs must be >= 0 and less than epochs (${epochs}), got ${warm}`, 'e.g. warmupEpochs: 1');
  }
  let main: LrSchedule;
  switch (s.type) {
    case 'constant':
      main = () => baseLr;
      break;
    case 'cosine':
      main = (e) => 0.5 * baseLr * (1 + Math.cos((Math.PI * Math.min(e - warm, epochs - warm)) / (epochs - warm)));
      break;
    case 'step': {
      const every = s.stepEvery;
      const gamma = s.gamma ?? 0.1;
      if (every === undefined || !Number.isInteger(every) || every < 1) {
        throw new UserError(`schedule 'step' needs stepEvery, a whole number of epochs >= 1, got ${JSON.stringify(every)}`, 'e.g. stepEvery: 10');
      }
      if (!(gamma > 0)) throw new UserError(`schedule: gamma must be > 0, got ${gamma}`, 'e.g. gamma: 0.1');
      main = (e) => baseLr * gamma ** Math.floor(e / every);
      break;
    }
    default:
      throw new UserError(`unknown schedule type ${JSON.stringify((s as { type: unknown }).type)}`, "use 'constant', 'cosine' or 'step'");
  }
  if (warm === 0) return main;
  return (e) => (e < warm ? (baseLr * Math.min(1, (e + 1 / stepsPerEpoch) / warm)) : main(e));
}
