/**
 * Hardware description of a crossbar deployment: device, tile size, weight mapping, converters,
 * IR drop. Validated once; everything downstream (compile, simulate, cost) reads the same object.
 */
import type { DeviceModel } from '../device/model.js';
import { validateDevice } from '../device/validate.js';
import { UserError, isUserError } from '../errors.js';
import { didYouMean } from '../config/suggest.js';

export interface DacConfig {
  /** Input resolution in bits (including the sign bit for signed inputs). */
  bits: number;
  /** 'amplitude': one multi-level voltage per input; 'bit-serial': one binary pulse per bit, shift-add after the ADC. */
  mode: 'amplitude' | 'bit-serial';
  /** Fraction of the calibration inputs below the full-scale input (1 = max). */
  percentile: number;
}

export interface AdcConfig {
  bits: number;
  /** 'calibrated': full scale from calibration data; 'fixed': full scale = largest possible column current. */
  range: 'calibrated' | 'fixed';
  /** For 'calibrated': fraction of calibration currents within full scale (1 = max). */
  percentile: number;
}

/**
 * What one layer's tiles use instead of the deployment's own settings (a per-layer override): e.g. a
 * binary network's float classifier on multi-level cells while its binary layers sit on 2-level cells.
 */
export interface LayerHardware {
  device?: DeviceModel;
  weightBits?: number;
  cellBits?: number;
}

export interface HardwareConfig {
  device: DeviceModel;
  /**
   * Per-layer overrides, keyed by model layer name (a recurrent layer's sub-stages follow their
   * layer). Layers not named use the settings above. compile() rejects names that are no crossbar layer.
   */
  layers?: Record<string, LayerHardware>;
  tile: { rows: number; cols: number };
  /**
   * 'differential': w = G+ - G- on two neighbouring columns, subtracted in analog before the ADC.
   * 'offset': one column per weight around a mid-range reference column per tile.
   */
  mapping: 'differential' | 'offset';
  /** Signed weight resolution; undefined = analog weights (only the device's levels quantise). */
  weightBits?: number;
  /** Bits stored per cell when weights are bit-sliced; default: all magnitude bits in one cell. */
  cellBits?: number;
  dac: DacConfig;
  adc: AdcConfig;
  /**
   * Leave out of the crossbars the output columns whose weights are all zero (structured pruning):
   * their outputs are the bias (or zero), supplied digitally. Conventional scheme. Default false.
   */
  dropZeroColumns?: boolean;
  /**
   * Conductance full scale: 'matrix' maps a layer's whole matrix with one wMax = max |w|; 'column'
   * maps every output column with its own wMax_j = max_i |w_ij| over the full conductance range and
   * multiplies the column's readout by wMax_j / wMax digitally after the ADC (an amplifier gain
   * where the output stays analog). Default 'matrix'.
   */
  weightScale?: 'matrix' | 'column';
  /** Wire resistance per cell segment (ohm); 0 = no IR drop. */
  wireResistance: number;
  /**
   * IR-drop model (src/crossbar/ir-drop.ts) when wireResistance > 0: 'nodal' (the tile's whole
   * resistive network solved, current sharing and sneak paths included) or 'first-order' (each cell
   * in series with its own wire segments: fast, but it misses most of the drop of a large, busy
   * tile). Default 'nodal'.
   */
  irDrop?: 'first-order' | 'nodal';
}

/** The override of a stage named `name` (`lstm1/input` follows `lstm1`), if any. */
function layerOverride(hw: HardwareConfig, name: string): LayerHardware | undefined {
  const layers = hw.layers;
  if (!layers) return undefined;
  if (Object.hasOwn(layers, name)) return layers[name];
  const slash = name.indexOf('/');
  return slash > 0 && Object.hasOwn(layers, name.slice(0, slash)) ? layers[name.slice(0, slash)] : undefined;
}

/** The hardware a layer's tiles are built with: the deployment's, with the layer's override applied. */
export function layerHardware(hw: HardwareConfig, name: string): HardwareConfig {
  const o = layerOverride(hw, name);
  if (!o) return hw;
  return {
    ...hw,
    device: o.device ?? hw.device,
    weightBits: o.weightBits ?? hw.weightBits,
    cellBits: o.cellBits ?? hw.cellBits,
  };
}

/** The hardware a compiled stage is programmed, read and priced with: its own device where it has one. */
export function stageHardware(hw: HardwareConfig, stage: { device?: DeviceModel }): HardwareConfig {
  return stage.device && stage.device !== hw.device ? { ...hw, device: stage.device } : hw;
}

/**
 * Every layer `hardware.layers` names must be one the deployment put on tiles: `stageNames` are
 * the compiled crossbar stages (`lstm1/input` counts as `lstm1`), `layerTypes` every model layer.
 */
export function checkLayerOverrides(hw: HardwareConfig, modelName: string, stageNames: string[], layerTypes: Record<string, string>): void {
  const onTiles = new Set(stageNames.flatMap((n) => [n, n.split('/')[0]]));
  const crossbar = [...new Set(stageNames.map((n) => n.split('/')[0]))];
  for (const name of Object.keys(hw.layers ?? {})) {
    if (onTiles.has(name)) continue;
    const type = Object.hasOwn(layerTypes, name) ? layerTypes[name] : undefined;
    throw new UserError(
      type === undefined
        ? `hardware.layers: model '${modelName}' has no layer '${name}'`
        : `hardware.layers: layer '${name}' (${type}) of model '${modelName}' has no crossbar tiles`,
      `${didYouMean(name, crossbar)}Layers on crossbars: ${crossbar.join(', ') || 'none'}.`,
    );
  }
}

/** Largest tile we accept: 4096 x 4096 is beyond any fabricated array we know of. */
const MAX_TILE = 4096;

export function validateHardware(hw: HardwareConfig): HardwareConfig {
  validateDevice(hw.device);
  const bad = (what: string, fix: string): never => {
    throw new UserError(`hardware: ${what}`, fix);
  };
  const { rows, cols } = hw.tile;
  for (const [k, v] of [['tile.rows', rows], ['tile.cols', cols]] as const) {
    if (!Number.isInteger(v) || v < 2) bad(`${k} must be a whole number >= 2, got ${v}`, 'e.g. 128');
    if (v > MAX_TILE) bad(`${k} = ${v} is larger than any sensible array (max ${MAX_TILE})`, 'typical arrays are 64 to 1024');
  }
  if (hw.mapping === 'offset' && cols < 2) bad('offset mapping needs at least 2 columns (one is the reference)', 'use more columns');
  for (const [k, c] of [['dac', hw.dac], ['adc', hw.adc]] as const) {
    if (!Number.isInteger(c.bits) || c.bits < 1 || c.bits > 24) bad(`${k}.bits must be a whole number from 1 to 24, got ${c.bits}`, 'e.g. 8');
    if (!(c.percentile > 0 && c.percentile <= 1)) bad(`${k}.percentile must be in (0, 1], got ${c.percentile}`, 'e.g. 1 or 0.9999');
  }
  if (hw.weightBits !== undefined) {
    if (!Number.isInteger(hw.weightBits) || hw.weightBits < 2 || hw.weightBits > 16) {
      bad(`weightBits must be a whole number from 2 to 16, got ${hw.weightBits}`, 'e.g. 8, or leave it out for analog weights');
    }
    if (hw.mapping !== 'differential') bad('bit-sliced weights need the differential mapping', "set mapping: 'differential'");
  }
  if (hw.cellBits !== undefined) {
    if (hw.weightBits === undefined) bad('cellBits needs weightBits', 'set weightBits, e.g. 8');
    if (!Number.isInteger(hw.cellBits) || hw.cellBits < 1) bad(`cellBits must be a whole number >= 1, got ${hw.cellBits}`, 'e.g. 2');
    if (2 ** hw.cellBits > hw.device.levels) {
      bad(`cellBits ${hw.cellBits} needs ${2 ** hw.cellBits} levels but device '${hw.device.name}' has ${hw.device.levels}`, 'lower cellBits');
    }
  }
  if (hw.weightScale !== undefined && hw.weightScale !== 'matrix' && hw.weightScale !== 'column') {
    bad(`weightScale must be 'matrix' or 'column', got '${String(hw.weightScale)}'`, "'matrix' (one full scale per layer) or 'column' (one per output column)");
  }
  if (!(hw.wireResistance >= 0)) bad(`wireResistance must be >= 0 ohm, got ${hw.wireResistance}`, 'e.g. 2.82 (MNSIM default) or 0');
  if (hw.irDrop !== undefined && hw.irDrop !== 'first-order' && hw.irDrop !== 'nodal') {
    bad(`irDrop must be 'first-order' or 'nodal', got '${String(hw.irDrop)}'`, "'first-order' (fast) or 'nodal' (the full network)");
  }
  for (const name of Object.keys(hw.layers ?? {})) {
    // the layer's effective hardware must pass the same checks (its device, its slicing)
    try {
      validateHardware({ ...layerHardware(hw, name), layers: undefined });
    } catch (e) {
      if (!isUserError(e)) throw e;
      throw new UserError(`hardware.layers.${name}: ${e.message.replace(/^hardware: /, '')}`, e.hint);
    }
  }
  return hw;
}
