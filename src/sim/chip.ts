/**
 * One simulated chip: every analog stage of a deployment programmed once with its own device
 * errors and faults (seeded by the chip's seed), then read with fresh noise for every input.
 */
import type { tf } from '../engine/index.js';
import { Rng, hashSeed } from '../engine/rng.js';
import { programMatrix } from '../crossbar/array.js';
import { stageHardware } from '../crossbar/hardware.js';
import type { Deployment } from '../deploy/deployment.js';
import { AnalogStageRunner, type StageCounters } from './analog.js';
import { StageExecutor } from './execute.js';

export interface ChipOptions {
  /** Seconds between programming and inference (drift). */
  driftSeconds?: number;
}

export function chipSeed(seed: number, chip: number): number {
  return hashSeed(seed, 'chip', chip);
}

export class Chip {
  readonly seed: number;
  /** Cells stuck at gMin or gMax on this chip. */
  readonly stuckCells: number;
  private readonly executor: StageExecutor;

  constructor(deployment: Deployment, seed: number, opts: ChipOptions = {}) {
    this.seed = seed;
    const rng = new Rng(seed);
    let stuck = 0;
    this.executor = new StageExecutor(deployment, (stage) => {
      const prog = programMatrix(stage.mapped, stage.plan, stageHardware(deployment.hardware, stage), rng.fork('program', stage.name), opts.driftSeconds ?? 0);
      stuck += prog.stuckCells;
      return new AnalogStageRunner(stage, deployment.hardware, prog, {
        converters: 'all',
        readNoise: true,
        rng: rng.fork('read', stage.name),
      });
    }, { analogUnits: { rng: rng.fork('analog-units') } });
    this.stuckCells = stuck;
  }

  /** Output logits for a batch of inputs; activity is added to `counters` per stage when given. */
  forward(x: tf.Tensor, counters?: StageCounters): tf.Tensor {
    return this.executor.forward(x, counters);
  }

  dispose(): void {
    this.executor.dispose();
  }
}
