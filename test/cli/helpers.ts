/** Runs the CLI in-process with captured output. */
import { expect } from 'vitest';
import { type CliIO, main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(argv: string[], extra: Partial<CliIO> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    ...extra,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Exit code 2 and exactly one paragraph `xbarnet: error: ...` on stderr, with no stack trace. */
export function expectUserError(r: CliResult, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^xbarnet: error: \S/);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/Error:/);
  expect(lines[0]).toMatch(pattern);
}
