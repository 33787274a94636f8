import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { buildModel, modelNames } from '../../src/nn/index.js';

beforeAll(async () => {
  await initEngine('wasm');
});

describe('model zoo', () => {
  it('lists its models', () => {
    expect(modelNames()).toEqual(expect.arrayContaining(['mlp', 'lenet5', 'vgg-small', 'fcn-small']));
  });

  it('builds the default MLP 784-256-10 with ReLU', () => {
    const m = buildModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    expect(m.layers.map((l) => l.type)).toEqual(['Flatten', 'Dense', 'ReLU', 'Dense']);
    expect(m.outputShape).toEqual([10]);
    expect(m.paramCount()).toBe(784 * 256 + 256 + 256 * 10 + 10);
    m.dispose();
  });

  it('builds LeNet-5 with the textbook shapes and parameter count', () => {
    const m = buildModel('lenet5', { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    const shapes = Object.fromEntries(m.layers.map((l) => [l.name, l.outputShape]));
    expect(shapes.conv1).toEqual([28, 28, 6]);
    expect(shapes.pool1).toEqual([14, 14, 6]);
    expect(shapes.conv2).toEqual([10, 10, 16]);
    expect(shapes.pool2).toEqual([5, 5, 16]);
    expect(shapes.flatten).toEqual([400]);
    expect(m.outputShape).toEqual([10]);
    // conv1 5*5*1*6+6, conv2 5*5*6*16+16, fc 400*120+120, 120*84+84, 84*10+10.
    expect(m.paramCount()).toBe(156 + 2416 + 48120 + 10164 + 850);
    m.dispose();
  });

  it('builds the small VGG for CIFAR-10 and runs a batch', () => {
    const m = buildModel('vgg-small', { inputShape: [32, 32, 3], numClasses: 10, seed: 1 });
    expect(m.layer('pool3').outputShape).toEqual([4, 4, 64]);
    expect(m.layers.filter((l) => l.type === 'BatchNorm')).toHaveLength(6);
    const y = m.predict(tf.zeros([2, 32, 32, 3]));
    expect(y.shape).toEqual([2, 10]);
    y.dispose();
    m.dispose();
  });

  it('initialises reproducibly from the seed', () => {
    const w = (seed: number) => {
      const m = buildModel('lenet5', { inputShape: [28, 28, 1], numClasses: 10, seed });
      const v = m.layer('conv2').param('kernel').variable.dataSync().slice();
      m.dispose();
      return v;
    };
    expect(w(4)).toEqual(w(4));
    expect(w(4)).not.toEqual(w(5));
  });

  it('rejects unknown names and unfit input shapes with UserErrors', () => {
    expect(() => buildModel('resnet50', { inputShape: [32, 32, 3], numClasses: 10, seed: 1 })).toThrow(UserError);
    try {
      buildModel('resnet50', { inputShape: [32, 32, 3], numClasses: 10, seed: 1 });
    } catch (e) {
      expect((e as UserError).hint).toContain('lenet5');
      expect((e as UserError).hint).toContain('vgg-small');
    }
    expect(() => buildModel('lenet5', { inputShape: [784], numClasses: 10, seed: 1 })).toThrow(/\[784\]/);
    const before = tf.memory().numTensors;
    expect(() => buildModel('vgg-small', { inputShape: [4, 4, 3], numClasses: 10, seed: 1 })).toThrow(UserError);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => buildModel('mlp', { inputShape: [10], numClasses: 1, seed: 1 })).toThrow(/numClasses/);
  });
});
