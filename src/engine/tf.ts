/**
 * The one place that imports TensorFlow.js. Everything else imports `tf` from `engine/`, so another
 * backend (WebGL/WebGPU in a browser, onnxruntime for inference) can be swapped in behind this seam.
 * The full `@tensorflow/tfjs` is imported (not tfjs-core) because it registers the gradients.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export { tf };
export type Tensor = tf.Tensor;
