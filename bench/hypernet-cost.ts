/**
 * Energy, latency and area of the DARTS hypernetwork against each genotype deployed alone, for
 * DARTS_V1, DARTS_V2 and PDARTS: untrained weights (the cost depends on the shapes and activity, not
 * on accuracy), RRAM cells, 128x128 tiles, differential mapping, 8-bit weights, DAC and ADC. The
 * hypernetwork holds each genotype's weights (copyWeightsToHypernet) and is priced with its edges'
 * periphery shared (the default) and not shared, each without and with tile packing (`packTiles`,
 * applied to both deployments). Counters come from one simulated chip on a few random inputs.
 *
 * `--adcs-per-tile N` prices N ADCs per tile on both deployments (default: tile columns / 8).
 * `--no-interconnect` turns the chip-level H-tree off (components.interconnect.enabled = false), the
 * cost model before it existed. The last column gives the buffer-to-tile wire path of each chip.
 *
 *   npx tsx bench/hypernet-cost.ts [--C 8] [--cells 5] [--size 32] [--inputs 2] [--adcs-per-tile N] [--no-interconnect]
 */
import { parseArgs } from 'node:util';
import { Rng, initEngine, tf } from '../src/engine/index.js';
import { devicePreset } from '../src/device/index.js';
import type { HardwareConfig } from '../src/crossbar/hardware.js';
import { compile } from '../src/deploy/compile.js';
import type { Deployment } from '../src/deploy/deployment.js';
import { setSharedPeriphery } from '../src/deploy/hypernetwork.js';
import { type CostReport, estimateCost } from '../src/cost/index.js';
import { Chip } from '../src/sim/chip.js';
import type { StageCounters } from '../src/sim/analog.js';
import type { Dataset } from '../src/data/dataset.js';
import { DARTS_V1, DARTS_V2, type Genotype, PDARTS, buildDartsHypernetwork, buildDartsNetwork, copyWeightsToHypernet } from '../src/nn/index.js';

const { values: a } = parseArgs({
  options: {
    C: { type: 'string', default: '8' },
    cells: { type: 'string', default: '5' },
    size: { type: 'string', default: '32' },
    inputs: { type: 'string', default: '2' },
    'adcs-per-tile': { type: 'string' },
    'no-interconnect': { type: 'boolean', default: false },
  },
});
const C = Number(a.C);
const layers = Number(a.cells);
const size = Number(a.size);
const n = Number(a.inputs);
const inputShape = [size, size, 3];
const adcsPerTile = a['adcs-per-tile'] === undefined ? undefined : Number(a['adcs-per-tile']);
const components = a['no-interconnect'] ? { interconnect: { enabled: false } } : undefined;

await initEngine('wasm');

const hw: HardwareConfig = {
  device: devicePreset('rram'),
  tile: { rows: 128, cols: 128 },
  mapping: 'differential',
  weightBits: 8,
  dac: { bits: 8, mode: 'amplitude', percentile: 1 },
  adc: { bits: 8, range: 'calibrated', percentile: 1 },
  wireResistance: 0,
};

const rng = new Rng(7);
const data: Dataset = {
  x: rng.fillNormal(new Float32Array(n * size * size * 3), 0, 1), y: new Int32Array(n), length: n, sampleShape: inputShape, numClasses: 10,
} as unknown as Dataset;

function counted(d: Deployment): StageCounters {
  const counters: StageCounters = {};
  const chip = new Chip(d, 1);
  const x = tf.tensor(data.x, [n, ...inputShape]);
  chip.forward(x, counters).dispose();
  x.dispose();
  chip.dispose();
  return counters;
}

const fmt = (v: number, d = 2): string => v.toFixed(d);
const mm2 = (r: CostReport): string => fmt(r.totals.area.total * 1e6, 2);
console.log(`C ${C}, ${layers} cells, ${size}x${size}x3 inputs, rram, 128x128 tiles, differential, 8-bit weights/DAC/ADC, ${n} random inputs${adcsPerTile ? `, ${adcsPerTile} ADCs per tile` : ''}, interconnect ${components ? 'off' : 'on'}`);
console.log('hypernetwork / individual; area: periphery not shared | shared (default), each unpacked -> packed (packTiles on both)');
console.log('| genotype | energy | latency | area, not shared | area, shared | tiles (hyper / individual), unpacked -> packed | area mm^2 individual; hyper not shared, shared (unpacked -> packed) | wire path mm individual / hyper (unpacked) | interconnect share of latency, energy: individual / hyper |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const published: [string, Genotype][] = [['DARTS_V1', DARTS_V1], ['DARTS_V2', DARTS_V2], ['PDARTS', PDARTS]];
for (const [name, genotype] of published) {
  const ind = buildDartsNetwork({ C, layers, numClasses: 10, inputShape, genotype, seed: 1 });
  const hyper = buildDartsHypernetwork({ C, layers, numClasses: 10, inputShape, seed: 2 });
  copyWeightsToHypernet(ind, hyper);
  const di = compile(ind, hw, { calibration: data });
  const dh = compile(hyper, hw, { scheme: 'hypernetwork', calibration: data });
  const ki = counted(di);
  const kh = counted(dh);
  const [iu, ip] = [false, true].map((packTiles) => estimateCost(di, ki, n, { packTiles, adcsPerTile, components }));
  const [su, sp] = [false, true].map((packTiles) => estimateCost(dh, kh, n, { packTiles, adcsPerTile, components }));
  setSharedPeriphery(dh, false);
  const [nu, np] = [false, true].map((packTiles) => estimateCost(dh, kh, n, { packTiles, adcsPerTile, components }));
  const r = (h: CostReport, i: CostReport): string => `${fmt(h.totals.area.total / i.totals.area.total)}x`;
  const path = (c: CostReport): string => (c.interconnect ? fmt(c.interconnect.path * 1e3) : '-');
  // share of the sequential latency: the rows' interconnect parts against the rows' latency sum (an upper bound on the critical path's)
  const share = (c: CostReport): string => {
    const rows = c.stages.reduce((t, s) => t + s.latency, 0);
    const wires = c.stages.reduce((t, s) => t + s.latencyParts.interconnect, 0);
    return `${fmt((100 * wires) / rows, 1)} %, ${fmt((100 * c.totals.energy.interconnect) / c.totals.energy.total, 1)} %`;
  };
  console.log(
    `| ${name} | ${fmt(su.totals.energy.total / iu.totals.energy.total, 3)}x | ${fmt(su.totals.latency / iu.totals.latency, 3)}x | ${r(nu, iu)} -> ${r(np, ip)} | ${r(su, iu)} -> ${r(sp, ip)} | ${su.totals.tiles} / ${iu.totals.tiles} -> ${sp.totals.tiles} / ${ip.totals.tiles} | ${mm2(iu)} -> ${mm2(ip)}; ${mm2(nu)} -> ${mm2(np)}, ${mm2(su)} -> ${mm2(sp)} | ${path(iu)} / ${path(su)} | ${share(iu)} / ${share(su)} |`,
  );
  ind.dispose();
  hyper.dispose();
}
