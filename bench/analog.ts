/**
 * Speed of the analog simulation against the ideal float forward pass, in the same run.
 * For the MLP 784-256-10 and LeNet-5 on the MNIST test images (10,000, or --images N): images/s of
 * (a) the float network, (b) one simulated chip with every non-ideality on (rram programming error,
 * per-read noise, 8-bit DAC and ADC), printed as a ratio; and (c) Monte Carlo over chips in 1 worker
 * thread against all cores. Weights are untrained (speed does not depend on them). The ratio is
 * printed in wall-clock time and in this process's CPU time (steadier when others load the
 * machine), with a sampled split of the chip's time (read noise + ADC, MVMs, slicing, other).
 *
 *   npx tsx bench/analog.ts [--images 10000] [--chips 4] [--batch 500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector';
import os, { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Dataset, loadDataset } from '../src/data/index.js';
import { initEngine, tf } from '../src/engine/index.js';
import { devicePreset } from '../src/device/index.js';
import type { HardwareConfig } from '../src/crossbar/hardware.js';
import { compile } from '../src/deploy/compile.js';
import { buildModel, saveModel, type Sequential } from '../src/nn/index.js';
import { Chip } from '../src/sim/chip.js';
import { simulateChips } from '../src/sim/parallel.js';

const { values: a } = parseArgs({
  options: {
    images: { type: 'string', default: '10000' },
    chips: { type: 'string', default: '4' },
    batch: { type: 'string', default: '500' },
  },
});
const images = Number(a.images);
const chips = Number(a.chips);
const batch = Number(a.batch);

const hw: HardwareConfig = {
  device: devicePreset('rram'),
  tile: { rows: 128, cols: 128 },
  mapping: 'differential',
  dac: { bits: 8, mode: 'amplitude', percentile: 1 },
  adc: { bits: 8, range: 'calibrated', percentile: 1 },
  wireResistance: 0,
};

/** Wall-clock seconds, and CPU seconds of this process (steadier on a shared machine). */
function timeit(fn: () => void): number {
  return timeBoth(fn).wall;
}

function timeBoth(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string };
  children?: number[];
}

/**
 * Where one chip's time goes, from V8's sampling profiler: the fused read-noise + ADC pass (normals
 * included), the crossbar MVMs (wasm matmul / conv), slicing row blocks, and everything else (DAC,
 * digital stages, tensor bookkeeping). Shares of the samples taken inside the pass (garbage
 * collection, which has no JS stack, is left out).
 */
async function profileSplit(fn: () => void): Promise<Record<string, number>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  fn();
  const { profile } = (await post('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  session.disconnect();
  const parent = new Map<number, ProfileNode>();
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n);
  }
  const groups: [string, Set<string>][] = [
    ['read noise + ADC', new Set(['convertColumns', 'noisyConversions', 'drawNormals', 'fillNormal', 'zigguratSlow', 'referenceNoise'])],
    ['MVM', new Set(['mvm'])],
    ['row-block slices', new Set(['blockInput'])],
  ];
  const split: Record<string, number> = { 'read noise + ADC': 0, MVM: 0, 'row-block slices': 0, other: 0 };
  let total = 0;
  profile.samples.forEach((id, k) => {
    const dt = profile.timeDeltas[k] ?? 0;
    let group: string | undefined;
    let inPass = false;
    for (let n: ProfileNode | undefined = byId.get(id); n; n = parent.get(n.id)) {
      const hit = groups.find(([, names]) => names.has(n!.callFrame.functionName));
      if (hit && !group) group = hit[0];
      if (n.callFrame.functionName === 'forEachBatch') inPass = true;
    }
    // only samples inside the chip's pass (not the profiler's own work; garbage collection has no stack)
    if (!inPass) return;
    split[group ?? 'other'] += dt;
    total += dt;
  });
  for (const k of Object.keys(split)) split[k] /= total || 1;
  return split;
}

function forEachBatch(data: Dataset, f: (x: tf.Tensor) => tf.Tensor): void {
  for (let s = 0; s < data.length; s += batch) {
    const e = Math.min(data.length, s + batch);
    const x = tf.tensor(data.x.subarray(s * 784, e * 784), [e - s, 28, 28, 1]);
    const y = f(x);
    y.dataSync();
    y.dispose();
    x.dispose();
  }
}

async function benchModel(name: string, model: Sequential, data: Dataset, train: Dataset): Promise<void> {
  const d = compile(model, hw, { calibration: train, calibrationSamples: 256 });
  // warm-up
  forEachBatch({ ...data, length: Math.min(batch, data.length) }, (x) => model.predict(x));
  const float = timeBoth(() => forEachBatch(data, (x) => model.predict(x)));
  const chip = new Chip(d, 1);
  // warm-up: one batch, as for the float pass (JIT tiers, first-use allocations)
  forEachBatch({ ...data, length: Math.min(batch, data.length) }, (x) => chip.forward(x));
  const analog = timeBoth(() => forEachBatch(data, (x) => chip.forward(x)));
  const tFloat = float.wall;
  const tChip = analog.wall;
  const tProgram = timeit(() => new Chip(d, 2).dispose());
  console.log(
    `${name.padEnd(8)} float ${(data.length / tFloat).toFixed(0).padStart(7)} img/s | analog chip ${(data.length / tChip).toFixed(0).padStart(7)} img/s` +
      ` | analog/float time ratio ${(tChip / tFloat).toFixed(2)} wall, ${(analog.cpu / float.cpu).toFixed(2)} CPU (goal <= 3) | programming one chip ${(tProgram * 1000).toFixed(0)} ms`,
  );
  // a separate, shorter pass under the sampling profiler (not timed above)
  const sample = { ...data, length: Math.min(data.length, 4 * batch) };
  const split = await profileSplit(() => forEachBatch(sample, (x) => chip.forward(x)));
  chip.dispose();
  console.log(
    `${name.padEnd(8)} analog chip time split: ${Object.entries(split).map(([k, v]) => `${k} ${(100 * v).toFixed(0)} %`).join(', ')}`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'xbarnet-bench-'));
  try {
    await saveModel(model, dir);
    const setup = {
      modelDir: dir, hardware: hw, scheme: 'conventional',
      dataset: { name: 'mnist' as const, options: { limit: { test: images } } },
      calibrationSamples: 256, seed: 1, driftSeconds: 0, batchSize: batch,
    };
    const list = [...Array(chips).keys()];
    const cores = os.availableParallelism();
    for (const threads of [1, cores]) {
      const t0 = performance.now();
      await simulateChips(setup, list, { threads });
      const s = (performance.now() - t0) / 1000;
      console.log(`${name.padEnd(8)} Monte Carlo ${chips} chips x ${data.length} images, ${threads} thread(s): ${s.toFixed(1)} s, ${((chips * data.length) / s).toFixed(0)} img/s (includes start-up, loading and compiling per thread)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await initEngine('wasm');
  const d = await loadDataset('mnist', { limit: { train: 256, test: images } });
  console.log(`analog simulation benchmark: ${d.test.length} MNIST test images, batch ${batch}, rram device, 8-bit DAC/ADC, 128x128 tiles; load average ${loadavg()[0].toFixed(2)} on ${os.availableParallelism()} cores`);
  for (const name of ['mlp', 'lenet5']) {
    const model = buildModel(name, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    await benchModel(name, model, d.test, d.train);
    model.dispose();
  }
}

await main();
