/** `xbarnet run`: the main job, as stages (data, model, evaluate, deploy, simulate, cost, report). */
import { Command } from 'commander';
import { resolveConfig } from '../../config/index.js';
import { type CliIO, say } from '../io.js';
import { type JobFlags, addHardwareOptions, addJobOptions, flagOverrides } from '../options.js';
import { examples } from './examples.js';

export function runCommand(io: CliIO): Command {
  const cmd = new Command('run')
    .description(
      'Run the main job: train the configured model (or reuse one trained earlier by the same config), test it, deploy it on crossbars, ' +
        'simulate its accuracy over chip instances, estimate energy, latency and area, and write report.json and report.html. ' +
        'With no options: LeNet-5 on MNIST on 8-bit RRAM crossbars, 10 chips.',
    )
    .option('--no-cache', 'train anew even if a model trained by the same config is cached')
    .option('--no-sim', 'software only: train (or reuse) and test, no deployment, simulation or cost');
  addJobOptions(cmd);
  addHardwareOptions(cmd);
  cmd.addHelpText(
    'after',
    examples([
      ['xbarnet run', 'LeNet-5 on MNIST on the default RRAM hardware, 10 chips'],
      ['xbarnet run --config examples/rram-8bit-lenet5.yaml', 'a job from a config file'],
      ['xbarnet run --adc-bits 6 --chips 20', 'another ADC resolution, more chips (the model is reused)'],
      ['xbarnet run --device pcm --drift 86400', 'PCM cells read one day after programming'],
      ['xbarnet run --model mlp -O hidden=[128] --limit 2000,500', 'a quick run on a subset'],
      ['xbarnet run --no-sim', 'software accuracy only'],
      ['xbarnet run --no-cache', 'retrain even if the model is cached'],
    ]),
  );
  cmd.action(async (flags: JobFlags & { cache: boolean; sim: boolean }) => {
    const config = resolveConfig({ file: flags.config, overrides: flagOverrides(flags) });
    // Loaded on use, so that --help and config errors do not wait for TensorFlow.js.
    const { RUN_SOFTWARE_STAGES, RUN_STAGES, finalOutput, runStages } = await import('../stages.js');
    const state = await runStages(flags.sim ? RUN_STAGES : RUN_SOFTWARE_STAGES, { command: 'run', config, io, useCache: flags.cache, seconds: {} });
    say(io, `\n${finalOutput(state)}`);
  });
  return cmd;
}
