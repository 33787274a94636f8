/**
 * hardware.dropZeroColumns: output columns whose weights are all zero (structured pruning of whole
 * filters) are left off the crossbars and their outputs supplied as the bias. Pruning half of a
 * layer's filters halves its physical columns, and the ideal deployment still equals the float network.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { compile } from '../../src/deploy/compile.js';
import { analogStages } from '../../src/deploy/deployment.js';
import { Chip } from '../../src/sim/chip.js';
import { pruneModel } from '../../src/compress/index.js';
import { nonZeroColumns } from '../../src/crossbar/mapping.js';
import { estimateCost } from '../../src/cost/index.js';
import { runChip } from '../../src/sim/simulate.js';
import type { HardwareConfig } from '../../src/crossbar/hardware.js';
import type { Sequential } from '../../src/nn/model.js';
import type { Dataset } from '../../src/data/dataset.js';
import { idealHardware, randomData, relativeError, smallCnn } from '../deploy/fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

function outputs(model: Sequential, data: Dataset, hw?: HardwareConfig): Float32Array {
  const x = tf.tensor(data.x, [data.length, ...data.sampleShape]);
  let y: tf.Tensor;
  let chip: Chip | undefined;
  if (hw) {
    chip = new Chip(compile(model, hw, { calibration: data }), 1);
    y = chip.forward(x);
  } else {
    y = model.predict(x);
  }
  const out = Float32Array.from(y.dataSync());
  x.dispose();
  y.dispose();
  chip?.dispose();
  return out;
}

describe('dropping all-zero columns', () => {
  it('nonZeroColumns lists the columns with a non-zero weight', () => {
    // [3, 4]: column 1 and 3 all zero
    const w = new Float32Array([1, 0, 0, 0, 0, 0, -2, 0, 0, 0, 0, 0]);
    expect(nonZeroColumns(w, 3, 4)).toEqual([0, 2]);
  });

  it('50 % of a conv layer\'s filters pruned: half its columns, tiles and ADC conversions; ideal deployment = float', () => {
    const model = smallCnn(); // conv 6 filters -> batch norm (folded: pruned filters output its shift) -> relu -> pool -> fc
    pruneModel(model, { sparsity: 0.5, granularity: 'column', layers: ['conv'] });
    const data = randomData([8, 8, 2], 24, 10);
    const hw = idealHardware({ tile: { rows: 8, cols: 6 } }); // 3 differential columns per tile
    const kept = compile(model, hw, { calibration: data });
    const dropped = compile(model, { ...hw, dropZeroColumns: true }, { calibration: data });
    const conv = (d: typeof kept) => analogStages(d).find((s) => s.name === 'conv')!;
    expect(conv(kept).N).toBe(6);
    expect(conv(dropped).N).toBe(3);
    expect(conv(dropped).plan.logicalCols).toBe(conv(kept).plan.logicalCols / 2);
    expect(conv(dropped).plan.tiles).toBe(conv(kept).plan.tiles / 2);
    expect(conv(dropped).columnMap?.outputs).toBe(6);
    // the dense layer has no zero column: unchanged
    const fc = (d: typeof kept) => analogStages(d).find((s) => s.name === 'fc')!;
    expect(fc(dropped).N).toBe(fc(kept).N);

    const float = outputs(model, data);
    expect(relativeError(outputs(model, data, { ...hw, dropZeroColumns: true }), float)).toBeLessThan(1e-4);
    // the folded batch norm gives the pruned filters a non-zero output: dropping them as zeros would differ
    expect(Array.from(conv(dropped).columnMap!.fill).some((v) => v !== 0)).toBe(true);

    // the cost model sees the smaller stage: half the conv layer's ADC conversions
    const test = randomData([8, 8, 2], 8, 10, 5);
    const ca = runChip(kept, test, 0, { chips: [0], seed: 1 });
    const cb = runChip(dropped, test, 0, { chips: [0], seed: 1 });
    expect(cb.counters.conv.adcConversions).toBe(ca.counters.conv.adcConversions / 2);
    expect(cb.counters.conv.mvmVectors).toBe(ca.counters.conv.mvmVectors);
    const [costA, costB] = [estimateCost(kept, ca.counters, ca.samples), estimateCost(dropped, cb.counters, cb.samples)];
    expect(costB.totals.energy.total).toBeLessThan(costA.totals.energy.total);
    model.dispose();
  });
});
