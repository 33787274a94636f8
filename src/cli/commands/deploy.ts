/**
 * `xbarnet deploy`, `xbarnet simulate`, `xbarnet cost`: parts of the main job on their own, each
 * training the model or reusing the cached one, and each with its own table and report files.
 */
import { Command } from 'commander';
import { resolveConfig } from '../../config/index.js';
import { type CliIO, say } from '../io.js';
import { type JobFlags, addHardwareOptions, addJobOptions, flagOverrides } from '../options.js';
import { examples } from './examples.js';

type Part = 'deploy' | 'simulate' | 'cost';

function partCommand(io: CliIO, name: Part, description: string, lines: [string, string][]): Command {
  const cmd = new Command(name).description(description).option('--no-cache', 'train anew even if a model trained by the same config is cached');
  addJobOptions(cmd);
  addHardwareOptions(cmd);
  cmd.addHelpText('after', examples(lines));
  cmd.action(async (flags: JobFlags & { cache: boolean }) => {
    const config = resolveConfig({ file: flags.config, overrides: flagOverrides(flags) });
    // Loaded on use, so that --help and config errors do not wait for TensorFlow.js.
    const stages = await import('../stages.js');
    const list = name === 'deploy' ? stages.DEPLOY_STAGES : name === 'simulate' ? stages.SIMULATE_STAGES : stages.COST_STAGES;
    const state = await stages.runStages(list, { command: name, config, io, useCache: flags.cache, seconds: {} });
    say(io, `\n${stages.finalOutput(state)}`);
  });
  return cmd;
}

export function deployCommand(io: CliIO): Command {
  return partCommand(
    io,
    'deploy',
    'Compile the model (trained, or reused from the cache) onto crossbar tiles and print the deployment: per stage its matrix, bit slices, ' +
      'tiles, row x column blocks, utilization and calibrated DAC/ADC ranges, and why the digital stages are digital. Writes deploy.json and deploy.html.',
    [
      ['xbarnet deploy', 'LeNet-5 on the default 128x128 RRAM tiles'],
      ['xbarnet deploy --tile 256x256', 'larger tiles: fewer row blocks'],
      ['xbarnet deploy -c examples/rram-8bit-lenet5.yaml', 'the hardware of a config file'],
      ['xbarnet deploy --model mlp -O hidden=[300,100] --limit 2000,500', 'another model'],
    ],
  );
}

export function simulateCommand(io: CliIO): Command {
  return partCommand(
    io,
    'simulate',
    'Deploy the model and simulate its test accuracy over chip instances (Monte Carlo over programming noise, faults, read noise, drift and ' +
      'converters), in worker threads. Prints the per-chip accuracies and their mean, std, min and max. Writes simulate.json and simulate.html.',
    [
      ['xbarnet simulate', 'LeNet-5 on the default RRAM hardware, 10 chips'],
      ['xbarnet simulate --chips 50 --threads 2', 'more chips on two threads'],
      ['xbarnet simulate --adc-bits 4 --dac-bits 4', 'coarser converters'],
      ['xbarnet simulate --device pcm --drift 3600', 'PCM read an hour after programming'],
    ],
  );
}

export function costCommand(io: CliIO): Command {
  return partCommand(
    io,
    'cost',
    'Deploy the model, run one chip over the test set to count its activity, and estimate energy, latency and area per inference ' +
      '(per stage and in total; component figures from ISAAC, MNSIM and NeuroSim, see docs/cost-model.md). Writes cost.json and cost.html.',
    [
      ['xbarnet cost', 'LeNet-5 on the default RRAM hardware'],
      ['xbarnet cost --adc-bits 6', 'what a 6-bit ADC saves'],
      ['xbarnet cost --tile 64x64', 'smaller tiles'],
      ['xbarnet cost --limit 60000,1000', 'activity over the first 1000 test samples only'],
    ],
  );
}
