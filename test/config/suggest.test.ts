import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/config/index.js';

describe('name suggestions', () => {
  it('edit distance counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests a close name and nothing for a distant one', () => {
    const models = ['lenet5', 'mlp', 'vgg-small'];
    expect(closest('lenet', models)).toBe('lenet5');
    expect(closest('LeNet5', models)).toBe('lenet5');
    expect(closest('transformer', models)).toBeUndefined();
    expect(didYouMean('mpl', models)).toBe("Did you mean 'mlp'? ");
    expect(didYouMean('resnet152', models)).toBe('');
  });
});
