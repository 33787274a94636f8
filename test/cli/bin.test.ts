/** The entry point as a process: shebang script, exit codes reach the shell, errors stay one line. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const entry = join(root, 'src/cli/main.ts');
const xbarnet = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('xbarnet as a process', () => {
  it('starts with a node shebang (the package bin)', () => {
    expect(readFileSync(entry, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin.xbarnet).toBe('dist/src/cli/main.js');
  });

  it('exits 0 on --help', () => {
    const r = xbarnet('run', '--help');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: xbarnet run');
  });

  it('exits 2 with one line on stderr for a user mistake', () => {
    const r = xbarnet('train', '--epochs', '-3');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'xbarnet: error: invalid config in the command line (--epochs): training.epochs: expected a positive integer, got -3. Run the command with --help to see what each flag accepts.',
    ]);
  });
});
