/**
 * The `hardware` and `simulation` sections of a job config, and their conversion to the
 * `HardwareConfig` that compile, simulate and cost read. The schema checks types and shapes; the
 * physics (gMin below gMax, converter bits, tile size, slicing) is checked by `validateHardware`
 * and `validateDevice`, whose messages are reported with the config path they came from.
 *
 * Only device presets, validation and types are imported here (no TensorFlow.js), so a config is
 * checked before anything heavy loads.
 */
import { z } from 'zod';
import { type HardwareConfig, validateHardware } from '../crossbar/hardware.js';
import { DEFAULT_VERIFY_PULSES, type DeviceModel } from '../device/model.js';
import { devicePreset, presetNames } from '../device/presets.js';
import { UserError, isUserError } from '../errors.js';
import { nonNegativeNumber, positiveInt, positiveNumber } from './numbers.js';
import { didYouMean } from './suggest.js';

const fraction = () => z.number({ error: 'expected a fraction in (0, 1]' });

/** The device every job uses unless its config names another. */
export const DEFAULT_DEVICE = 'rram';

const ProgrammingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('gaussian'), sigmaAbs: nonNegativeNumber().default(0), sigmaRel: nonNegativeNumber().default(0) }),
  z.strictObject({
    kind: z.literal('polynomial'),
    coeffs: z.array(z.number({ error: 'expected a number' }), { error: 'expected a list of coefficients' }),
    gRef: positiveNumber(),
    /** Multiplies sigma (aihwkit's prog_noise_scale), for sweeps. */
    scale: nonNegativeNumber().optional(),
  }),
  z.strictObject({ kind: z.literal('lognormal'), sigmaLog: nonNegativeNumber() }),
]);

const ReadNoiseSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('relative'), sigmaRel: nonNegativeNumber() }),
]);

const clipFit = () =>
  z.strictObject({ a: z.number(), b: z.number(), min: z.number(), max: z.number() });

const DriftSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('constant'), nuMean: z.number({ error: 'expected a number' }), nuStd: nonNegativeNumber(), t0: positiveNumber() }),
  z.strictObject({
    kind: z.literal('pcm'),
    t0: positiveNumber(),
    tRead: positiveNumber(),
    nuMean: clipFit(),
    nuStd: clipFit(),
    qs: z.strictObject({ c: z.number(), exponent: z.number(), max: z.number() }),
  }),
]);

const IvSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('linear') }),
  z.strictObject({ kind: z.literal('sinh'), v0: positiveNumber() }),
]);

/**
 * Conductance levels: a whole number, or `analog` (YAML `.inf` and the string `Infinity` are read
 * as `analog` too, since JSON has no infinity).
 */
const LEVELS_ERROR = "expected a whole number of levels >= 2, or 'analog'";
const LevelsSchema = z.preprocess(
  (v) => (v === Infinity || v === 'Infinity' || v === 'inf' || v === '.inf' ? 'analog' : v),
  z.union(
    [z.literal('analog'), z.int({ error: LEVELS_ERROR }).min(2, { error: LEVELS_ERROR })],
    { error: LEVELS_ERROR },
  ),
);

/**
 * A device: a preset name (`device: rram`), or a preset with some of its values replaced
 * (`device: { preset: rram, levels: 16, readNoise: { kind: none } }`). Every form is read as an
 * object with `preset` set.
 */
export const DeviceConfigSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { preset: v } : v),
  z.strictObject({
    /** A preset in src/device/presets.ts (ideal, rram, pcm, binary, ...). */
    preset: z.string({ error: 'expected a device preset name' }).min(1, { error: 'expected a device preset name' }).default(DEFAULT_DEVICE),
    gMin: z.number({ error: 'expected a conductance in siemens' }).optional(),
    gMax: z.number({ error: 'expected a conductance in siemens' }).optional(),
    levels: LevelsSchema.optional(),
    programming: ProgrammingSchema.optional(),
    readNoise: ReadNoiseSchema.optional(),
    drift: DriftSchema.optional(),
    stuckAtMin: z.number({ error: 'expected a fraction of cells' }).optional(),
    stuckAtMax: z.number({ error: 'expected a fraction of cells' }).optional(),
    iv: IvSchema.optional(),
    readVoltage: z.number({ error: 'expected a voltage' }).optional(),
    readPulseWidth: z.number({ error: 'expected a time in seconds' }).optional(),
    /** Program-and-verify: re-program a cell until within tolerance x (gMax - gMin) of its target, up to maxPulses. */
    verify: z
      .strictObject({
        tolerance: z.number({ error: 'expected a fraction of the conductance range' }),
        maxPulses: z.number({ error: 'expected a whole number of pulses' }).default(DEFAULT_VERIFY_PULSES),
      })
      .optional(),
  }),
);

export const MAPPINGS = ['differential', 'offset'] as const;
export const DAC_MODES = ['amplitude', 'bit-serial'] as const;
export const ADC_RANGES = ['calibrated', 'fixed'] as const;
export const WEIGHT_SCALES = ['matrix', 'column'] as const;
export const IR_DROP_MODELS = ['first-order', 'nodal'] as const;

/**
 * Crossbar hardware. Defaults (issue 3): the `rram` preset, 128 x 128 tiles (the ISAAC crossbar
 * size, Shafiee et al., ISCA 2016), differential pairs, 8-bit DAC and ADC calibrated on the
 * largest value seen (percentile 1), no IR drop (wireResistance 0: the nodal solve costs about a
 * fifth of a second per 128 x 128 tile and chip, so it is opt-in; MNSIM 2.0's default is 2.82 ohm).
 */
export const HardwareConfigSchema = z.strictObject({
  device: DeviceConfigSchema.prefault(DEFAULT_DEVICE),
  tile: z.strictObject({ rows: positiveInt().default(128), cols: positiveInt().default(128) }).prefault({}),
  mapping: z.enum(MAPPINGS).default('differential'),
  /** Signed weight resolution, bit-sliced over cells; absent = analog weights. */
  weightBits: positiveInt().optional(),
  /** Bits per cell when weights are bit-sliced; absent = all magnitude bits one cell holds. */
  cellBits: positiveInt().optional(),
  /** Leave all-zero output columns (structured pruning) off the crossbars; their outputs are the bias. */
  dropZeroColumns: z.boolean({ error: 'expected true or false' }).optional(),
  /**
   * Conductance full scale per layer matrix ('matrix': one wMax = max |w|) or per output column
   * ('column': each column's own max |w|, its readout rescaled digitally after the ADC). Absent = 'matrix'.
   */
  weightScale: z.enum(WEIGHT_SCALES).optional(),
  dac: z
    .strictObject({ bits: positiveInt().default(8), mode: z.enum(DAC_MODES).default('amplitude'), percentile: fraction().default(1) })
    .prefault({}),
  adc: z
    .strictObject({ bits: positiveInt().default(8), range: z.enum(ADC_RANGES).default('calibrated'), percentile: fraction().default(1) })
    .prefault({}),
  /** Wire resistance per cell segment (ohm); 0 = no IR drop. */
  wireResistance: nonNegativeNumber().default(0),
  /** IR-drop model: 'nodal' (the full network) or 'first-order' (series wire segments per cell). Absent = nodal. */
  irDrop: z.enum(IR_DROP_MODELS).optional(),
  /**
   * Per-layer overrides keyed by model layer name, e.g. `layers: { out: { device: rram } }` puts the
   * layer `out` on RRAM while the rest uses `device`. A layer's device is written as `device` above
   * (a preset name, or a preset with values replaced; without `preset` it is rram). Names are checked
   * against the model when it is compiled.
   */
  layers: z
    .record(
      z.string().min(1, { error: 'expected a layer name' }),
      z.strictObject({
        device: DeviceConfigSchema.optional(),
        weightBits: positiveInt().optional(),
        cellBits: positiveInt().optional(),
      }),
      { error: 'expected a mapping of layer names to { device, weightBits, cellBits }' },
    )
    .optional(),
});

/** How the chips are simulated. */
export const SimulationConfigSchema = z.strictObject({
  /** Chip instances in the Monte Carlo, each programmed with its own seed. */
  chips: positiveInt().default(10),
  /** Worker threads; default min(chips, cores). */
  threads: positiveInt().optional(),
  /** Seconds between programming and inference (drift). */
  driftSeconds: nonNegativeNumber().default(0),
  /** Training samples the DAC and ADC ranges are calibrated on (the first ones). 256 as compile's default. */
  calibrationSamples: positiveInt().default(256),
  /** Test samples per simulated batch. */
  batchSize: positiveInt().default(500),
  /** Deployment scheme (src/deploy: conventional). */
  scheme: z.string({ error: 'expected a scheme name' }).min(1, { error: 'expected a scheme name' }).default('conventional'),
});

export type HardwareSection = z.output<typeof HardwareConfigSchema>;
export type SimulationSection = z.output<typeof SimulationConfigSchema>;
export type DeviceSection = HardwareSection['device'];

/** The DeviceModel a config's device section names: the preset, with the given values replacing its own. */
export function deviceFromConfig(dev: DeviceSection, key = 'hardware.device'): DeviceModel {
  const { preset, levels, ...overrides } = dev;
  const known = presetNames();
  if (!known.includes(preset)) {
    throw new UserError(`${key}: unknown device preset '${preset}'`, `${didYouMean(preset, known)}Known presets: ${known.join(', ')}.`);
  }
  const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<DeviceModel>;
  if (levels !== undefined) given.levels = levels === 'analog' ? Infinity : levels;
  const custom = Object.keys(given).length > 0;
  return devicePreset(preset, { ...given, ...(custom ? { name: `custom ${preset}` } : {}) });
}

/**
 * The validated HardwareConfig of a config's hardware section. A value the hardware checks reject
 * (gMin >= gMax, a 0-bit ADC, a huge tile, cellBits beyond the device's levels) is a UserError
 * naming the `hardware` key.
 */
export function hardwareFromConfig(hw: HardwareSection): HardwareConfig {
  const config: HardwareConfig = {
    device: deviceFromConfig(hw.device),
    tile: { ...hw.tile },
    mapping: hw.mapping,
    weightBits: hw.weightBits,
    cellBits: hw.cellBits,
    ...(hw.dropZeroColumns !== undefined && { dropZeroColumns: hw.dropZeroColumns }),
    ...(hw.weightScale !== undefined && { weightScale: hw.weightScale }),
    dac: { ...hw.dac },
    adc: { ...hw.adc },
    wireResistance: hw.wireResistance,
    ...(hw.irDrop !== undefined && { irDrop: hw.irDrop }),
    ...(hw.layers && {
      layers: Object.fromEntries(
        Object.entries(hw.layers).map(([name, l]) => [
          name,
          {
            ...(l.device && { device: deviceFromConfig(l.device, `hardware.layers.${name}.device`) }),
            ...(l.weightBits !== undefined && { weightBits: l.weightBits }),
            ...(l.cellBits !== undefined && { cellBits: l.cellBits }),
          },
        ]),
      ),
    }),
  };
  try {
    return validateHardware(config);
  } catch (e) {
    if (!isUserError(e)) throw e;
    // validateDevice says "device 'rram': ...", validateHardware "hardware: ...": name the config key.
    const message = e.message.startsWith('hardware: ') || e.message.startsWith('hardware.layers.') ? e.message : `hardware.device: ${e.message}`;
    throw new UserError(message, e.hint);
  }
}
