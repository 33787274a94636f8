/** The feed-forward layers. Importing this module registers each with the layer registry. */
export { Dense, type DenseOptions } from './dense.js';
export { Conv2d, DepthwiseConv2d, type Conv2dOptions, type DepthwiseConv2dOptions } from './conv.js';
export { MaxPool, AvgPool, GlobalAvgPool, type Pool2dOptions } from './pool.js';
export { BatchNorm, type BatchNormOptions } from './batchnorm.js';
export { ReLU, Sigmoid, Tanh, Sign, signSte } from './activations.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export { Flatten } from './reshape.js';
