/** Record types the experiments share in their results. */

/** One trained network: its size, how it was trained, and its software (float or fake-quantized) accuracy. */
export interface TrainedModelRecord {
  /** Trainable parameters. */
  params: number;
  trainSamples: number;
  epochs: number;
  /** Training accuracy of the last epoch. */
  trainAccuracy: number;
  /** Test accuracy in software, on the test samples the chips run. */
  softwareAccuracy: number;
  trainSeconds: number;
}
