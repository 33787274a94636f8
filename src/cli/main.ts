#!/usr/bin/env node
/**
 * The `xbarnet` command. `main(argv, io)` runs one command line in-process and returns the exit code
 * (0 ok, 1 internal error, 2 user mistake); run as a program it sets the process exit code.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { configCommand } from './commands/config.js';
import { costCommand, deployCommand, simulateCommand } from './commands/deploy.js';
import { evaluateCommand } from './commands/evaluate.js';
import { experimentCommand } from './commands/experiment.js';
import { examples } from './commands/examples.js';
import { runCommand } from './commands/run.js';
import { trainCommand } from './commands/train.js';
import { EXIT_OK, reportError } from './errors.js';
import { type CliIO, processIO } from './io.js';
import { packageVersion } from './version.js';

export type { CliIO } from './io.js';

/** The command tree, writing through `io`; commander throws instead of exiting. */
export function buildProgram(io: CliIO): Command {
  const program = new Command('xbarnet')
    .description('Deploy neural networks onto memristive crossbars: train, test, simulate on crossbar hardware, and estimate energy, latency and area, from one config.')
    .version(packageVersion(), '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Errors are printed by reportError, as one paragraph.
      outputError: () => {},
    })
    .addHelpText(
      'after',
      examples([
        ['xbarnet run', 'the main job: LeNet-5 on MNIST on 8-bit RRAM crossbars, 10 chips, cost, report'],
        ['xbarnet run -c examples/rram-8bit-lenet5.yaml', 'a job from a config file'],
        ['xbarnet deploy --tile 256x256', 'how the model maps onto tiles'],
        ['xbarnet simulate --adc-bits 6 --chips 20', 'accuracy over chips only'],
        ['xbarnet cost', 'energy, latency and area per inference'],
        ['xbarnet train --model mlp --epochs 1 --limit 1000', 'a quick training run'],
        ['xbarnet evaluate --model runs/<folder>', 'test a saved model'],
        ['xbarnet config --print-default', 'the default config, every key shown'],
        ['xbarnet help train', 'help for one command'],
      ]),
    );
  for (const make of [runCommand, deployCommand, simulateCommand, costCommand, trainCommand, evaluateCommand, experimentCommand, configCommand]) {
    const cmd = make(io);
    // Subcommands made apart from the program inherit its output and exit handling here.
    cmd.copyInheritedSettings(program);
    program.addCommand(cmd);
  }
  return program;
}

/** Runs one command line (without the node and script paths) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    return reportError(e, io);
  }
}

function invokedDirectly(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  process.exitCode = await main(process.argv.slice(2));
}
