/**
 * What a report holds: one record per job, written as report.json and rendered to the terminal
 * and to report.html. Plain data (no tensors), so it serialises as it is.
 */
import type { HardwareConfig } from '../crossbar/hardware.js';
import type { CostReport } from '../cost/estimate.js';
import type { AccuracyStats, ChipResult } from '../sim/simulate.js';

/** One analog stage (a set of tiles) as compiled: geometry, tiling and calibrated converter ranges. */
export interface InspectedAnalogStage {
  kind: 'analog';
  name: string;
  layerType: string;
  /** The recurrent layer this set of tiles belongs to (its input projection or recurrent product). */
  partOf?: string;
  /** Logical matrix: K inputs x N outputs. */
  K: number;
  N: number;
  /** Bit slices per weight (1 = analog weights). */
  slices: number;
  tiles: number;
  rowBlocks: number;
  colBlocks: number;
  /** Cells programmed over cells in the tiles used. */
  utilization: number;
  /** Input vectors per inference (output positions of a convolution). */
  vectorsPerSample: number;
  /** Batch-norm layers folded into the weights. */
  folded: string[];
  /** Largest |weight|, mapped to the full conductance swing. */
  wMax: number;
  dac: { bits: number; mode: string; fullScale: number; signed: boolean };
  /** ADC full scale (amperes), smallest and largest over row blocks and slices. */
  adc: { bits: number; range: string; fullScaleMin: number; fullScaleMax: number };
  /** False: the input arrives as the previous stage's voltage (IDM cascade). */
  dacAtInput: boolean;
  /** False: the output is handed on in analog. */
  adcAtOutput: boolean;
  /** The amplifier's full-scale output (input units of the next stage), where there is one. */
  tiaFullScale?: number;
}

/** A layer that runs in digital periphery, and why. */
export interface InspectedDigitalStage {
  /** 'analog-unit': an analog activation or pooling circuit between cascaded crossbars (IDM). */
  kind: 'digital' | 'analog-unit';
  name: string;
  layerType: string;
  partOf?: string;
  inputShape: number[];
  outputShape: number[];
  reason: string;
}

export type InspectedStage = InspectedAnalogStage | InspectedDigitalStage;

export interface DeploymentInspection {
  scheme: string;
  modelName: string;
  hardware: HardwareConfig;
  stages: InspectedStage[];
  totals: { tiles: number; cells: number; analogStages: number; digitalStages: number; analogUnits: number; programmedCells: number };
}

/** One chip of the Monte Carlo (as the simulator returns it). */
export type ChipRecord = ChipResult;

export interface SimulationRecord {
  chips: ChipRecord[];
  /** Accuracy over the chips (std: sample standard deviation, 0 for one chip). */
  stats: AccuracyStats;
  /** False when the accuracies mean nothing (per-pixel labels: only the activity was counted). */
  scored: boolean;
  threads: number;
  driftSeconds: number;
  seconds: number;
}

export interface CostRecord {
  /** The chip whose activity counters the estimate used. */
  chip: number;
  inferences: number;
  report: CostReport;
}

export interface ReportData {
  command: string;
  /** xbarnet version. */
  xbarnet: string;
  createdAt: string;
  /** Model hash (names the model cache entry) and job hash (names the results folder). */
  configHash: string;
  jobHash: string;
  /** The validated job config, every default filled in. */
  config: unknown;
  model: { name: string; parameters: number; dir: string; reusedFromCache: boolean };
  dataset: { name: string; train: number; test: number };
  training: { epochs: { epoch: number; loss: number; accuracy: number }[]; seconds: number } | undefined;
  /** Accuracy of the float model on the test split. */
  software: { accuracy: number; loss: number; n: number } | undefined;
  deployment?: DeploymentInspection;
  simulation?: SimulationRecord;
  cost?: CostRecord;
  /** Seconds per stage. */
  seconds: Record<string, number>;
}
