/**
 * The deployment as data a person can check: per stage its matrix, slices, tiles and blocks,
 * utilisation and calibrated converter ranges, and for digital stages why they are digital.
 */
import type { AnalogStage, Deployment } from '../deploy/deployment.js';
import type { DeploymentInspection, InspectedAnalogStage, InspectedStage } from './types.js';

function analogRow(s: AnalogStage, d: Deployment, partOf?: string): InspectedAnalogStage {
  const hw = d.hardware;
  const fs = s.calibration.adcFullScale.flat();
  return {
    kind: 'analog',
    name: s.name,
    layerType: s.layerType,
    ...(partOf ? { partOf } : {}),
    K: s.K,
    N: s.N,
    slices: s.mapped.slices,
    tiles: s.plan.tiles,
    rowBlocks: s.plan.rowBlocks.length,
    colBlocks: s.plan.colBlocks.length,
    utilization: s.plan.utilization,
    vectorsPerSample: s.vectorsPerSample,
    folded: [...s.folded],
    wMax: s.mapped.wMax,
    dac: { bits: hw.dac.bits, mode: hw.dac.mode, fullScale: s.calibration.xMax, signed: s.calibration.signedInput },
    adc: { bits: hw.adc.bits, range: hw.adc.range, fullScaleMin: Math.min(...fs), fullScaleMax: Math.max(...fs) },
    dacAtInput: s.dacAtInput,
    adcAtOutput: s.adcAtOutput,
    ...(s.tia && !s.tia.merged ? { tiaFullScale: s.tia.fullScale } : {}),
  };
}

export function inspectDeployment(d: Deployment): DeploymentInspection {
  const stages: InspectedStage[] = d.stages.flatMap((s): InspectedStage[] => {
    if (s.kind === 'analog') return [analogRow(s, d)];
    if (s.kind === 'digital' || s.kind === 'analog-unit') {
      return [{ kind: s.kind, name: s.name, layerType: s.layerType, inputShape: [...s.inputShape], outputShape: [...s.outputShape], reason: s.reason }];
    }
    return [
      analogRow(s.input, d, s.name),
      ...s.recurrent.map((r) => analogRow(r, d, s.name)),
      {
        kind: 'digital', name: s.name, layerType: s.layerType, partOf: s.name, inputShape: [...s.inputShape], outputShape: [...s.outputShape],
        reason: 'gate arithmetic of the recurrent layer in digital periphery, one time step after another',
      },
    ];
  });
  const { rows, cols } = d.hardware.tile;
  const analog = stages.filter((s): s is InspectedAnalogStage => s.kind === 'analog');
  const tiles = analog.reduce((a, s) => a + s.tiles, 0);
  return {
    scheme: d.scheme,
    modelName: d.modelName,
    hardware: d.hardware,
    stages,
    totals: {
      tiles,
      cells: tiles * rows * cols,
      programmedCells: Math.round(analog.reduce((a, s) => a + s.utilization * s.tiles * rows * cols, 0)),
      analogStages: analog.length,
      digitalStages: stages.filter((s) => s.kind === 'digital').length,
      analogUnits: stages.filter((s) => s.kind === 'analog-unit').length,
    },
  };
}
