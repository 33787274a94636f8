/**
 * Progress of the Monte Carlo over chips: one cli-progress bar (chips done / total, elapsed, ETA)
 * on a terminal, as the training bar in src/nn/progress.ts; one line per chip otherwise.
 */
import cliProgress from 'cli-progress';
import { type CliIO, processIO, say } from './io.js';

export interface ChipProgress {
  chipDone(line: string, done: number, total: number): void;
  stop(): void;
}

/** A bar only when the CLI writes to the real stdout and it is a terminal. */
export function chipProgress(io: CliIO, total: number, label: string): ChipProgress {
  const stream = process.stdout;
  const real = io.stdout === processIO().stdout && stream.isTTY;
  if (!real) {
    return {
      chipDone(line) {
        say(io, `  ${line}`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      // ETA from the chips done so far ('-' until the first one finishes: chips take similar times)
      format: `${label} |{bar}| {value}/{total} chips | {duration_formatted} elapsed | ETA {eta} | {last}`,
      stream,
      hideCursor: true,
      clearOnComplete: true,
      // redraw the elapsed time while the chips run
      fps: 2,
    },
    cliProgress.Presets.shades_classic,
  );
  const t0 = performance.now();
  bar.start(total, 0, { last: 'first chips running', eta: '-' });
  return {
    chipDone(line, done) {
      const left = ((performance.now() - t0) / 1000 / done) * (total - done);
      bar.update(done, { last: line, eta: `${Math.round(left)}s` });
    },
    stop() {
      bar.stop();
    },
  };
}
