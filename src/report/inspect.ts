/**
 * The deployment as data a person can check: per stage its matrix, slices, tiles and blocks,
 * utilisation and calibrated converter ranges, and for digital stages why they are digital.
 */
import { type AnalogStage, type DartsBodyStage, type Deployment, type Stage, allStages } from '../deploy/deployment.js';
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

/** Rows of a DARTS body: per cell its leaf stages (switched-off ones marked), switch matrices and node sums. */
function dartsRows(b: DartsBodyStage, d: Deployment): InspectedStage[] {
  return b.cells.flatMap((c): InspectedStage[] => {
    const leaves = (stages: Stage[], active: boolean, part: string): InspectedStage[] =>
      allStages(stages).flatMap(({ stage }) => flatRows([stage], d, active ? part : `${part} (switched off)`, active));
    const rows: InspectedStage[] = [...leaves(c.pre0, true, `${c.name} pre0`), ...leaves(c.pre1, true, `${c.name} pre1`)];
    for (const e of c.edges) rows.push(...leaves(e.stages, e.active, `${c.name} ${e.primitive} ${e.from}->${e.to}`));
    for (const sw of c.switches ?? []) {
      const n = sw.inputs.filter((p) => p !== 'none').length;
      rows.push({
        kind: 'digital', name: sw.name, layerType: 'SwitchMatrix', partOf: c.name, inputShape: [...sw.outputShape], outputShape: [...sw.outputShape],
        reason: `switch matrix of edge ${sw.from}->${sw.to}: ${n} primitives x ${sw.channels} channels x ${sw.bitsPerLine} bits; selects ${sw.selected}`,
      });
    }
    rows.push({
      kind: 'digital', name: `${c.name}.nodes`, layerType: 'DartsNodeSum', partOf: c.name, inputShape: [...c.nodeShape], outputShape: [...c.outputShape],
      reason: `${c.reduction ? 'reduction' : 'normal'} cell: node sums (digital adds) and concatenation of states [${c.concat}] (wiring)`,
    });
    return rows;
  });
}

function flatRows(stages: Stage[], d: Deployment, partOf?: string, active = true): InspectedStage[] {
  return stages.flatMap((s): InspectedStage[] => {
    if (s.kind === 'analog') return [analogRow(s, d, partOf)];
    if (s.kind === 'digital' || s.kind === 'analog-unit') {
      return [{ kind: s.kind, name: s.name, layerType: s.layerType, ...(partOf ? { partOf } : {}), inputShape: [...s.inputShape], outputShape: [...s.outputShape], reason: active ? s.reason : `${s.reason} (switched off)` }];
    }
    if (s.kind === 'factorized-reduce') return flatRows([s.relu, s.conv1, s.conv2], d, partOf ?? s.name, active);
    if (s.kind === 'darts-body') return dartsRows(s, d);
    return [
      analogRow(s.input, d, s.name),
      ...s.recurrent.map((r) => analogRow(r, d, s.name)),
      {
        kind: 'digital', name: s.name, layerType: s.layerType, partOf: s.name, inputShape: [...s.inputShape], outputShape: [...s.outputShape],
        reason: 'gate arithmetic of the recurrent layer in digital periphery, one time step after another',
      },
    ];
  });
}

export function inspectDeployment(d: Deployment): DeploymentInspection {
  const stages = flatRows(d.stages, d);
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
