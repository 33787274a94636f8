/** `xbarnet config`: show the embedded default config, or the config a set of options resolves to. */
import { Command } from 'commander';
import YAML from 'yaml';
import { type JobConfig, defaultConfig, resolveConfig, shortHash, shortJobHash } from '../../config/index.js';
import { UserError } from '../../errors.js';
import { type CliIO, say } from '../io.js';
import { type JobFlags, addHardwareOptions, addJobOptions, flagOverrides } from '../options.js';
import { examples } from './examples.js';

function render(cfg: JobConfig, json: boolean, heading: string): string {
  if (json) return JSON.stringify(cfg, null, 2);
  return (
    `# ${heading}\n# model hash ${shortHash(cfg)} (names the model cache entry and train's output folder; hardware and simulation not included)\n` +
    `# job hash ${shortJobHash(cfg)} (names the results folder of run, deploy, simulate and cost)\n${YAML.stringify(cfg)}`
  ).trimEnd();
}

export function configCommand(io: CliIO): Command {
  const cmd = new Command('config')
    .description('Print a job config with every default filled in: the embedded default, or what a config file and flags resolve to (validating them).')
    .option('--print-default', 'print the embedded default config (LeNet-5 on MNIST)')
    .option('--json', 'print JSON instead of YAML');
  addJobOptions(cmd);
  addHardwareOptions(cmd);
  cmd.addHelpText(
    'after',
    examples([
      ['xbarnet config --print-default', 'the embedded default, a starting point for your own file'],
      ['xbarnet config --print-default > my-job.yaml', 'save it to edit'],
      ['xbarnet config -c my-job.yaml', 'check a file and see it with defaults filled in'],
      ['xbarnet config -c my-job.yaml --epochs 3 --json', 'what a file plus flags resolve to, as JSON'],
      ['xbarnet config --device pcm --tile 256x256 --adc-bits 6', 'check hardware flags'],
    ]),
  );
  cmd.action((flags: JobFlags & { printDefault?: boolean; json?: boolean }) => {
    const overrides = flagOverrides(flags);
    if (flags.printDefault) {
      if (flags.config || overrides.length > 0) {
        throw new UserError('--print-default takes no config file or job flags', 'Drop --print-default to see what a file and flags resolve to.');
      }
      say(io, render(defaultConfig(), flags.json ?? false, 'xbarnet embedded default job config'));
      return;
    }
    const cfg = resolveConfig({ file: flags.config, overrides });
    say(io, render(cfg, flags.json ?? false, `resolved from ${flags.config ?? 'the embedded default'}${overrides.length ? ' and flags' : ''}`));
  });
  return cmd;
}
