/**
 * IR drop, nodal against first-order: the current collected from a square tile of cells with
 * conductances uniform in the `rram` preset's range (4-40 uS), every row at the same voltage, as a
 * fraction of the current without wire resistance; with the nodal solve's Gauss-Seidel sweeps and
 * time per tile (all rows driven, one chip).
 *
 *   npx tsx bench/ir-drop.ts [--sizes 32,64,128,256] [--wire 2.82,1]
 */
import { parseArgs } from 'node:util';
import { nodalTransfer } from '../src/crossbar/ir-drop.js';
import { wireSegments } from '../src/crossbar/tiling.js';
import { Rng } from '../src/engine/rng.js';

const { values: a } = parseArgs({
  options: {
    sizes: { type: 'string', default: '32,64,128,256' },
    wire: { type: 'string', default: '2.82,1' },
  },
});
const sizes = a.sizes.split(',').map(Number);
const wires = a.wire.split(',').map(Number);
const rng = new Rng(1);

console.log('tile       wire (ohm)  nodal  first-order  sweeps  solve time');
for (const r of wires) {
  for (const n of sizes) {
    const g = Float64Array.from({ length: n * n }, () => 4e-6 + 36e-6 * rng.uniform());
    const t0 = performance.now();
    const { transfer, sweeps } = nodalTransfer(g, n, n, n, r);
    const seconds = (performance.now() - t0) / 1000;
    let nodal = 0;
    let firstOrder = 0;
    let ideal = 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < n; c++) {
        const x = g[i * n + c]!;
        nodal += transfer[i * n + c]!;
        firstOrder += x / (1 + x * r * wireSegments(i, c, n));
        ideal += x;
      }
    }
    console.log(
      `${`${n} x ${n}`.padEnd(10)} ${String(r).padStart(10)}  ${(nodal / ideal).toFixed(3)}  ${(firstOrder / ideal).toFixed(3).padStart(11)}  ` +
        `${String(sweeps).padStart(6)}  ${seconds.toFixed(2).padStart(8)} s`,
    );
  }
}
