import { initEngine, tf } from '../src/engine/index.js';
await initEngine('wasm');
const b = tf.backend();
function time(name: string, f: () => tf.TensorInfo) {
  for (let i = 0; i < 5; i++) b.disposeData(f().dataId);
  const t0 = performance.now();
  for (let i = 0; i < 50; i++) b.disposeData(f().dataId);
  console.log(name.padEnd(40), ((performance.now() - t0) / 50).toFixed(3), 'ms');
}
for (const [n, h, cin, cout, pad] of [[64, 28, 1, 6, 'same'], [64, 12, 6, 16, 'valid']] as const) {
  const x = tf.randomNormal([n, h, h, cin]) as tf.Tensor4D;
  const f = tf.randomNormal([5, 5, cin, cout]) as tf.Tensor4D;
  const y = tf.conv2d(x, f, 1, pad);
  const dy = tf.randomNormal(y.shape);
  const attrs = { strides: 1, pad, dilations: 1, dataFormat: 'NHWC' };
  const k = (nm: string) => tf.getKernel(nm, 'wasm')!.kernelFunc;
  time(`Conv2D ${x.shape}`, () => k('Conv2D')({ inputs: { x, filter: f }, attrs, backend: b }) as tf.TensorInfo);
  time(`BackpropFilter ${x.shape}`, () => k('Conv2DBackpropFilter')({ inputs: { x, dy }, attrs: { ...attrs, filterShape: f.shape }, backend: b }) as tf.TensorInfo);
  time(`BackpropInput ${x.shape}`, () => k('Conv2DBackpropInput')({ inputs: { dy, filter: f }, attrs: { ...attrs, inputShape: x.shape }, backend: b }) as tf.TensorInfo);
  time(`transpose dy`, () => k('Transpose')({ inputs: { x: dy }, attrs: { perm: [1, 2, 0, 3] }, backend: b }) as tf.TensorInfo);
  time(`transpose x`, () => k('Transpose')({ inputs: { x }, attrs: { perm: [3, 1, 2, 0] }, backend: b }) as tf.TensorInfo);
}
