/**
 * Training progress: a cli-progress bar per epoch (batches done, running loss and accuracy, ETA) on a
 * terminal; one plain line per epoch when stdout is not a terminal; nothing when disabled.
 */
import cliProgress from 'cli-progress';

export interface EpochSummary {
  epoch: number;
  epochs: number;
  loss: number;
  accuracy: number;
  seconds: number;
  valLoss?: number;
  valAccuracy?: number;
}

export interface ProgressReporter {
  startEpoch(epoch: number, epochs: number, batches: number): void;
  update(batchesDone: number, loss: number, accuracy: number): void;
  endEpoch(s: EpochSummary): void;
}

export function epochLine(s: EpochSummary): string {
  const val = s.valAccuracy === undefined ? '' : `  val_loss ${fmt(s.valLoss ?? NaN)}  val_acc ${pct(s.valAccuracy)}`;
  return `epoch ${s.epoch}/${s.epochs}  loss ${fmt(s.loss)}  acc ${pct(s.accuracy)}${val}  ${s.seconds.toFixed(1)} s`;
}

function fmt(v: number): string {
  return v.toFixed(4);
}

function pct(v: number): string {
  return `${(100 * v).toFixed(2)}%`;
}

/** `enabled` false: silent. Otherwise a bar on a TTY, else one line per epoch on stdout. */
export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stdout): ProgressReporter {
  if (!enabled) return { startEpoch() {}, update() {}, endEpoch() {} };
  if (!stream.isTTY) {
    return {
      startEpoch() {},
      update() {},
      endEpoch(s) {
        stream.write(`${epochLine(s)}\n`);
      },
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  return {
    startEpoch(epoch, epochs, batches) {
      bar = new cliProgress.SingleBar(
        {
          format: `epoch ${epoch}/${epochs} |{bar}| {value}/{total} batches | loss {loss} | acc {acc} | ETA {eta_formatted}`,
          stream,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(batches, 0, { loss: '-', acc: '-' });
    },
    update(done, loss, accuracy) {
      bar?.update(done, { loss: fmt(loss), acc: pct(accuracy) });
    },
    endEpoch(s) {
      bar?.stop();
      bar = undefined;
      stream.write(`${epochLine(s)}\n`);
    },
  };
}
