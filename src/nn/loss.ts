/**
 * Softmax cross-entropy over the last axis and correct-prediction counts, for class scores [N, C]
 * and for per-pixel scores [N, H, W, C] (segmentation; labels [N, H, W]).
 */
import { tf } from '../engine/index.js';

/** Mean over every labelled position of -log softmax(logits)[label]. Labels: int32 with the logits' leading shape. */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const c = logits.shape[logits.rank - 1];
    const flat = logits.reshape([-1, c]) as tf.Tensor2D;
    const onehot = tf.oneHot(labels.reshape([-1]) as tf.Tensor1D, c);
    const logp = tf.logSoftmax(flat);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), 1))) as tf.Scalar;
  });
}

/** Number of positions whose arg-max class equals the label. */
export function correctCount(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const c = logits.shape[logits.rank - 1];
    const pred = tf.argMax(logits.reshape([-1, c]), 1);
    return tf.sum(tf.cast(tf.equal(pred, tf.cast(labels.reshape([-1]), 'int32')), 'int32')) as tf.Scalar;
  });
}
