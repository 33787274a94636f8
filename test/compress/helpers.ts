/** Small fixtures for the compression tests. */
import { Rng, tf } from '../../src/engine/index.js';
import { Dense, type Layer } from '../../src/nn/index.js';

/** A built Dense layer (no bias by default) whose kernel holds `w` (row-major [inputs, units]). */
export function denseWith(w: number[], inputs: number, units: number, useBias = false): Dense {
  const d = new Dense('d', { units, useBias });
  d.build([inputs], new Rng(1));
  const t = tf.tensor(w, [inputs, units]);
  d.param('kernel').variable.assign(t);
  t.dispose();
  return d;
}

/** The layer's effective weight in inference or training mode, as a plain array. */
export function effective(layer: Layer, param = 'kernel', training = false): Float32Array {
  return tf.tidy(() => layer.weight(param, { training, rng: new Rng(0) }).dataSync() as Float32Array).slice();
}

/** Gradient of sum(layer(x)) with respect to the given variables. */
export function gradOfSum(layer: Layer, x: tf.Tensor, vars: tf.Variable[], training = true): Float32Array[] {
  for (const v of vars) (v as { trainable: boolean }).trainable = true;
  const { value, grads } = tf.variableGrads(() => tf.sum(layer.forward(x, { training, rng: new Rng(0) })) as tf.Scalar, vars);
  const out = vars.map((v) => (grads[v.name].dataSync() as Float32Array).slice());
  tf.dispose([value, grads]);
  return out;
}

/** Number of positions where two arrays differ. */
export function hamming(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}
