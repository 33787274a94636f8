/**
 * The job config: what to train (dataset, model), how (training), the crossbar hardware it is
 * deployed on and how that is simulated (hardware, simulation; see hardware.ts), and where results go.
 * Every object is strict: an unknown key is an error naming its path, so a typo never silently
 * falls back to a default. Numbers carry their own messages ("expected a positive integer"), and
 * `formatIssues` (issues.ts) adds the path and the offending value.
 */
import { z } from 'zod';
import { HardwareConfigSchema, SimulationConfigSchema } from './hardware.js';
import { nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber } from './numbers.js';

const name = () => z.string({ error: 'expected a name (a string)' }).min(1, { error: 'expected a non-empty name' });
const path = () => z.string({ error: 'expected a path (a string)' }).min(1, { error: 'expected a non-empty path' });

export const DatasetConfigSchema = z.strictObject({
  /** A dataset registered in src/data (mnist, fashion-mnist, cifar10, fsdd, ucr, vessels). */
  name: name(),
  /** Folder holding the dataset's files; else XBARNET_<NAME>_DIR, XBARNET_DATA_DIR, or a bundled copy. */
  dir: path().optional(),
  /** Which problem of a collection, e.g. a UCR/UEA set such as 'JapaneseVowels'. */
  problem: name().optional(),
  /** Which predefined split, for datasets that have several. */
  split: name().optional(),
  /** Dataset-specific settings passed to its loader (e.g. fsdd: shape, frames; vessels: height, width). */
  options: z.record(z.string(), z.unknown(), { error: 'expected a mapping of option names to values' }).default({}),
  /** Use only the first samples of each split (quick runs, tests). */
  limit: z
    .strictObject({
      train: positiveInt().optional(),
      test: positiveInt().optional(),
    })
    .optional(),
});

export const ModelConfigSchema = z.strictObject({
  /** A model registered in src/nn (e.g. lenet5, mlp, vgg, lstm). */
  name: name(),
  /** Passed to the model's builder (e.g. hidden sizes); the builder checks them. */
  options: z.record(z.string(), z.unknown(), { error: 'expected a mapping of option names to values' }).default({}),
});

export const SCHEDULE_TYPES = ['constant', 'cosine', 'step'] as const;

const warmupEpochs = () => nonNegativeNumber().default(0);

/**
 * Learning-rate schedule over epochs (names as in src/nn/schedule.ts). A bare string
 * (`schedule: cosine`) is that type with its defaults. All take an optional linear warm-up.
 */
export const ScheduleConfigSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { type: v } : v),
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('constant'), warmupEpochs: warmupEpochs() }),
    // Cosine annealing from lr to 0 over all epochs, without restarts (Loshchilov & Hutter, SGDR, ICLR 2017).
    z.strictObject({ type: z.literal('cosine'), warmupEpochs: warmupEpochs() }),
    // Multiply lr by gamma every `stepEvery` epochs.
    z.strictObject({
      type: z.literal('step'),
      stepEvery: positiveInt(),
      gamma: positiveNumber().max(1, { error: 'expected a factor in (0, 1]' }).default(0.1),
      warmupEpochs: warmupEpochs(),
    }),
  ]),
);

export const OPTIMIZERS = ['sgd', 'adam'] as const;

export const TrainingConfigSchema = z
  .strictObject({
    // 6 epochs: LeNet-5 reaches 99.03 % on MNIST and the main job's first run stays within 3 minutes on a 2-core
    // AMD EPYC at 2.6 GHz (119 s of training; 8 epochs gave 99.12 % in 172 s there, before the faster MaxPoolGrad)
    epochs: positiveInt().default(6),
    batchSize: positiveInt().default(64),
    // Adam with its usual step size 1e-3 (Kingma & Ba, "Adam", ICLR 2015, Algorithm 1 defaults).
    optimizer: z.enum(OPTIMIZERS).default('adam'),
    lr: positiveNumber().default(1e-3),
    /** Heavy-ball momentum, SGD only. */
    momentum: nonNegativeNumber().lt(1, { error: 'expected a momentum in [0, 1)' }).optional(),
    /** L2 weight decay coefficient. */
    weightDecay: nonNegativeNumber().default(0),
    schedule: ScheduleConfigSchema.prefault('cosine'),
    /** Image augmentation (classification on [H, W, C] images only). */
    augment: z
      .strictObject({
        flipHorizontal: z.boolean({ error: 'expected true or false' }).default(false),
        cropPadding: nonNegativeInt().default(0),
      })
      .optional(),
  })
  .superRefine((t, ctx) => {
    if (t.momentum !== undefined && t.optimizer !== 'sgd') {
      ctx.addIssue({
        code: 'custom',
        path: ['momentum'],
        message: `applies to the sgd optimizer only, but the optimizer is '${t.optimizer}'; remove it or set training.optimizer to sgd`,
      });
    }
    if (t.schedule.warmupEpochs > 0 && t.schedule.warmupEpochs >= t.epochs) {
      ctx.addIssue({
        code: 'custom',
        path: ['schedule', 'warmupEpochs'],
        message: `must be less than training.epochs (${t.epochs}), got ${t.schedule.warmupEpochs}`,
      });
    }
  });

export const BACKENDS = ['wasm', 'cpu'] as const;

export const JobConfigSchema = z.strictObject({
  dataset: DatasetConfigSchema,
  model: ModelConfigSchema,
  training: TrainingConfigSchema.prefault({}),
  seed: nonNegativeInt().max(2 ** 32 - 1, { error: 'expected a seed below 2^32' }).default(1),
  /** Compute backend: WebAssembly (fast) or the pure-JS reference. */
  backend: z.enum(BACKENDS).default('wasm'),
  /** The crossbar hardware the model is deployed on (hardware.ts). Not part of the model's hash. */
  hardware: HardwareConfigSchema.prefault({}),
  /** How the deployed model is simulated: chips, threads, drift, calibration, scheme. Not part of the model's hash. */
  simulation: SimulationConfigSchema.prefault({}),
  output: z
    .strictObject({
      /** Where results go; default runs/<model>-<dataset>-<hash>/. Not part of the config hash. */
      dir: path().optional(),
    })
    .prefault({}),
});

/** A validated job config with every default filled in. */
export type JobConfig = z.output<typeof JobConfigSchema>;
/** What a config file may hold (defaults optional). */
export type JobConfigInput = z.input<typeof JobConfigSchema>;
export type ScheduleConfig = JobConfig['training']['schedule'];
