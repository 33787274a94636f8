import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine, WorkerPool } from '../../src/engine/index.js';
import seededMatmul from './fixtures/matmul-job.js';
import type { MatmulResult, MatmulTask } from './fixtures/matmul-job.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const jobFile = new URL('./fixtures/matmul-job.ts', import.meta.url);
const tasks: MatmulTask[] = [1, 2, 3, 4].map((seed) => ({ seed, n: 24 }));

describe('WorkerPool from TypeScript sources', () => {
  let pool: WorkerPool;
  beforeAll(async () => {
    await initEngine('wasm');
    pool = new WorkerPool({ workerFile: jobFile, threads: 2 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('runs seeded tf jobs on wasm in the threads, equal to the same computation in the main thread', async () => {
    const got = await pool.map<MatmulTask, MatmulResult>(tasks);
    expect(got.map((r) => r.backend)).toEqual(['wasm', 'wasm', 'wasm', 'wasm']);
    expect(got.map((r) => r.values)).toEqual(tasks.map((t) => seededMatmul(t).values));
    // and the seeds matter: different tasks give different results
    expect(got[0]!.values).not.toEqual(got[1]!.values);
  });

  it('runs two tasks at the same time on two different threads', async () => {
    const counter = new SharedArrayBuffer(4);
    const got = await pool.map<unknown, { threadId: number; met: boolean }>(
      [{ counter, parties: 2 }, { counter, parties: 2 }], { name: 'rendezvous' });
    expect(got.every((r) => r.met)).toBe(true);
    expect(new Set(got.map((r) => r.threadId)).size).toBe(2);
  });

  it('surfaces a job error as a rejected promise with its message, and keeps working', async () => {
    await expect(pool.run('chip 7 diverged', { name: 'fail' })).rejects.toThrow('chip 7 diverged');
    await expect(pool.run({}, { name: 'noSuchExport' })).rejects.toThrow(/no exported function 'noSuchExport'/);
    const [again] = await pool.map<MatmulTask, MatmulResult>([tasks[0]!]);
    expect(again!.values).toEqual(seededMatmul(tasks[0]!).values);
  });

  it('rejects a missing job module and a bad thread count up front', () => {
    expect(() => new WorkerPool({ workerFile: join(root, 'test/engine/fixtures/nope.ts') })).toThrow(/not found/);
    expect(() => new WorkerPool({ workerFile: jobFile, threads: 0 })).toThrow(/positive integer/);
  });
});

describe('WorkerPool failures', () => {
  it('a job module that fails to load rejects every task with its error', async () => {
    const pool = new WorkerPool({ workerFile: new URL('./fixtures/broken-job.ts', import.meta.url), threads: 1 });
    try {
      await expect(pool.run({})).rejects.toThrow('missing calibration table');
      await expect(pool.run({})).rejects.toThrow('missing calibration table');
    } finally {
      await pool.close();
    }
  });

  it('a thread crash outside a task stops the pool: later runs reject with the crash, nothing hangs', async () => {
    const pool = new WorkerPool({ workerFile: jobFile, threads: 1 });
    try {
      await expect(pool.run('thread crashed', { name: 'crashLater' })).resolves.toBe('returned');
      // The crash comes 10 ms after the task returned: poll until the pool reports it (or 10 s pass).
      let error: Error | undefined;
      for (let i = 0; i < 100 && !error; i++) {
        await new Promise((r) => setTimeout(r, 100));
        error = await pool.run(tasks[0]).then(() => undefined, (e: Error) => e);
      }
      expect(error?.message).toBe('thread crashed');
      await expect(pool.run(tasks[0])).rejects.toThrow('thread crashed');
    } finally {
      await pool.close();
    }
  });
});

/**
 * The compiled layout: src/engine and the job compiled to .js (as `npm run build` does) in a scratch directory
 * that sees this project's node_modules, run by a plain `node` process (no tsx anywhere).
 */
describe('WorkerPool from compiled JavaScript', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xbarnet-pool-'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    const sources = [
      ...readdirSync(join(root, 'src/engine')).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'src/engine', f)),
      fileURLToPath(jobFile),
    ];
    for (const file of sources) {
      const out = join(dir, relative(root, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(out), { recursive: true });
      const js = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      writeFileSync(out, js);
    }
    writeFileSync(join(dir, 'main.js'), `
      import { WorkerPool } from './src/engine/index.js';
      const pool = new WorkerPool({ workerFile: new URL('./test/engine/fixtures/matmul-job.js', import.meta.url), threads: 2 });
      try {
        const results = await pool.map(${JSON.stringify(tasks)});
        const error = await pool.run('bad config', { name: 'fail' }).then(() => 'none', (e) => e.message);
        console.log(JSON.stringify({ results, error }));
      } finally {
        await pool.close();
      }
    `);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the same jobs with the same results and errors', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['main.js'], { cwd: dir, timeout: 60_000 });
    const { results, error } = JSON.parse(stdout.trim().split('\n').pop()!) as { results: MatmulResult[]; error: string };
    expect(readdirSync(join(dir, 'src/engine')).some((f) => f.endsWith('.mjs') || f.endsWith('.ts'))).toBe(false);
    expect(results.map((r) => r.backend)).toEqual(['wasm', 'wasm', 'wasm', 'wasm']);
    await initEngine('wasm');
    expect(results.map((r) => r.values)).toEqual(tasks.map((t) => seededMatmul(t).values));
    expect(error).toBe('bad config');
  });
});
