/** `xbarnet run`: the main job, as stages (data, model, evaluate, report). */
import { Command } from 'commander';
import { resolveConfig } from '../../config/index.js';
import type { CliIO } from '../io.js';
import { type JobFlags, addJobOptions, flagOverrides } from '../options.js';
import { examples } from './examples.js';

export function runCommand(io: CliIO): Command {
  const cmd = new Command('run')
    .description(
      'Run the main job: train the configured model (or reuse one trained earlier by the same config), test it, and write result.json. With no options: LeNet-5 on MNIST.',
    )
    .option('--no-cache', 'train anew even if a model trained by the same config is cached');
  addJobOptions(cmd);
  cmd.addHelpText(
    'after',
    examples([
      ['xbarnet run', 'LeNet-5 on MNIST from the embedded default config'],
      ['xbarnet run --config examples/mlp-mnist.yaml', 'a job from a config file'],
      ['xbarnet run -c examples/lenet5-mnist.yaml --epochs 2', 'flags override the file'],
      ['xbarnet run --model mlp -O hidden=[128] --limit 2000,500', 'a quick run on a subset'],
      ['xbarnet run --no-cache', 'retrain even if the model is cached'],
    ]),
  );
  cmd.action(async (flags: JobFlags & { cache: boolean }) => {
    const config = resolveConfig({ file: flags.config, overrides: flagOverrides(flags) });
    // Loaded on use, so that --help and config errors do not wait for TensorFlow.js.
    const { RUN_STAGES, runStages } = await import('../stages.js');
    await runStages(RUN_STAGES, { command: 'run', config, io, useCache: flags.cache, seconds: {} });
  });
  return cmd;
}
