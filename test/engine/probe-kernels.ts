/**
 * Probe: computes the gradient of every training op of `training-ops.ts` on the wasm backend and lists the
 * cases that throw (usually a kernel the backend lacks).
 *   npx tsx test/engine/probe-kernels.ts         # with the kernels xbarnet supplies
 *   npx tsx test/engine/probe-kernels.ts --raw   # plain tfjs-backend-wasm, nothing supplied
 */
import { tf, initEngine } from '../../src/engine/index.js';
import { allCases, caseGradients, caseInputs } from './training-ops.js';

if (process.argv.includes('--raw')) {
  tf.env().set('IS_NODE', true);
  await tf.setBackend('wasm');
  await tf.ready();
} else {
  await initEngine('wasm');
}
let failed = 0;
for (const c of allCases) {
  try {
    caseGradients(c, caseInputs(c));
  } catch (e) {
    failed++;
    console.log(`FAIL ${c.name}: ${(e as Error).message.split('\n')[0]}`);
  }
}
console.log(`${allCases.length - failed}/${allCases.length} gradient cases ran on ${tf.getBackend()}`);
