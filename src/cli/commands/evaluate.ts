/** `xbarnet evaluate --model DIR`: test a saved model on the test split of its dataset (or another). */
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ConfigOverride, type JobConfig, applyOverrides, validateConfig } from '../../config/index.js';
import { UserError } from '../../errors.js';
import { type CliIO, say } from '../io.js';
import { type JobFlags, addDataOptions, flagOverrides, parseNumber } from '../options.js';
import { examples } from './examples.js';

type EvaluateFlags = Pick<JobFlags, 'dataset' | 'dataDir' | 'problem' | 'split' | 'limit' | 'batchSize' | 'backend'> & {
  model: string;
  json?: boolean;
};

/** The job config saved with the model (by `train` or `run`), with the data flags applied. */
function evaluationConfig(dir: string, saved: unknown, modelName: string, flags: EvaluateFlags): JobConfig {
  // Here --model names a folder, not an architecture: only the data and backend flags apply.
  const overrides: ConfigOverride[] = flagOverrides({ ...flags, model: undefined });
  let base: JobConfig;
  if (saved !== undefined) {
    base = validateConfig(saved, `the config saved in ${join(dir, 'model.json')}`);
  } else if (flags.dataset) {
    base = validateConfig({ dataset: { name: flags.dataset }, model: { name: modelName } }, 'the command line');
  } else {
    throw new UserError(
      `${join(dir, 'model.json')} does not say which dataset the model was trained on`,
      'Pass --dataset NAME (and --data-dir if needed) to choose the test data.',
    );
  }
  return applyOverrides(base, overrides);
}

export function evaluateCommand(io: CliIO): Command {
  const cmd = new Command('evaluate')
    .description("Test a saved model (a folder written by 'xbarnet train') on its dataset's test split, or on another dataset of the same shape.")
    .requiredOption('--model <dir>', 'folder holding model.json and weights.bin');
  addDataOptions(cmd)
    .option('--batch-size <n>', 'samples per inference batch', parseNumber)
    .option('--backend <name>', 'compute backend (wasm, cpu)')
    .option('--json', 'print the result as JSON');
  cmd.addHelpText(
    'after',
    examples([
      ['xbarnet evaluate --model runs/lenet5-mnist-0123abcd4567', 'test on the dataset it was trained on'],
      ['xbarnet evaluate --model runs/m --limit 1000', 'on the first 1000 test samples'],
      ['xbarnet evaluate --model runs/m --dataset fashion-mnist', 'on another dataset of the same shape'],
      ['xbarnet evaluate --model runs/m --json', 'machine-readable output'],
    ]),
  );
  cmd.action(async (flags: EvaluateFlags) => {
    const dir = resolve(io.cwd ?? process.cwd(), flags.model);
    if (!existsSync(dir)) {
      throw new UserError(`model folder '${flags.model}' does not exist`, "Pass the folder that 'xbarnet train' wrote (it holds model.json).");
    }
    // Loaded on use, so that --help and config errors do not wait for TensorFlow.js.
    const { evaluate, loadModel, readModelFile } = await import('../../nn/index.js');
    const { checkDatasetName, loadData, percent, startEngine } = await import('../job.js');
    const file = await readModelFile(dir);
    const config = evaluationConfig(dir, file.training.config, file.model.name, flags);
    checkDatasetName(config);
    await startEngine(config);
    const model = await loadModel(dir);
    const data = await loadData(config, io);
    const result = await evaluate(model, data.test, { batchSize: flags.batchSize ?? 256 });
    if (flags.json) {
      say(io, JSON.stringify({ model: dir, config, test: result }, null, 2));
    } else {
      say(io, `${model.name} on ${config.dataset.name} test: accuracy ${percent(result.accuracy)} (loss ${result.loss.toFixed(4)}, ${result.n} samples)`);
    }
    model.dispose();
  });
  return cmd;
}
