/** `xbarnet train`: train a model for a config and save it (model files + result.json) to a folder. */
import { Command } from 'commander';
import { resolveConfig } from '../../config/index.js';
import type { CliIO } from '../io.js';
import { type JobFlags, addJobOptions, flagOverrides } from '../options.js';
import { examples } from './examples.js';

export function trainCommand(io: CliIO): Command {
  const cmd = new Command('train').description(
    'Train a model on a dataset, test it, and save the model and result.json to the output folder (default runs/<model>-<dataset>-<hash>/).',
  );
  addJobOptions(cmd);
  cmd.addHelpText(
    'after',
    examples([
      ['xbarnet train', 'LeNet-5 on MNIST (the embedded default config)'],
      ['xbarnet train -c examples/lenet5-fashion.yaml -o runs/fashion', 'from a config file, into a chosen folder'],
      ['xbarnet train --model mlp --epochs 1 --limit 1000,200', 'a tiny MLP on an MNIST subset'],
      ['xbarnet train --optimizer sgd --lr 0.05 --momentum 0.9', 'SGD with momentum instead of Adam'],
      ['xbarnet train --dataset fashion-mnist --data-dir ~/data/fashion', 'a dataset from your own folder'],
    ]),
  );
  cmd.action(async (flags: JobFlags) => {
    const config = resolveConfig({ file: flags.config, overrides: flagOverrides(flags) });
    // Loaded on use, so that --help and config errors do not wait for TensorFlow.js.
    const { TRAIN_STAGES, runStages } = await import('../stages.js');
    await runStages(TRAIN_STAGES, { command: 'train', config, io, useCache: false, seconds: {} });
  });
  return cmd;
}
