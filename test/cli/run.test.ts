/**
 * The main job end to end through the CLI on a tiny setup: a small MLP on an MNIST subset, deployed
 * on the default RRAM hardware, 2 chips on one thread and on two worker threads, cost, report.json
 * and report.html; then the deploy, simulate and cost commands on the cached model.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, expectUserError } from './helpers.js';
import type { CliResult } from './helpers.js';
import type { ReportData } from '../../src/report/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'xbarnet-run-'));
const io = { cwd: tmp, env: { XBARNET_CACHE_DIR: join(tmp, 'cache') } };
const tiny = ['--model', 'mlp', '-O', 'hidden=[32]', '--epochs', '3', '--batch-size', '32', '--lr', '0.003', '--limit', '500,200', '--chips', '2'];

function reportIn(dir: string, name = 'report'): ReportData {
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as ReportData;
}

/** The folder under runs/ whose report.json has this job hash. */
function runDir(r: CliResult): string {
  const m = /report: (runs\/[^/]+)\/report\.json/.exec(r.stdout);
  if (!m) throw new Error(`no report path in:\n${r.stdout}`);
  return join(tmp, m[1]);
}

let one: CliResult;
let two: CliResult;

beforeAll(async () => {
  one = await cli(['run', ...tiny, '--threads', '1'], io);
  two = await cli(['run', ...tiny, '--threads', '2'], io);
});

describe('xbarnet run: the main job on a tiny setup', () => {
  it('runs every stage and ends with one summary table and the per-layer breakdown', () => {
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toBe('');
    for (const [i, stage] of ['data', 'model', 'evaluate', 'deploy', 'simulate', 'cost', 'report'].entries()) {
      expect(one.stdout).toMatch(new RegExp(`^\\[${i + 1}/7\\] ${stage}: `, 'm'));
    }
    // not a terminal: one line per chip
    expect(one.stdout).toMatch(/^ {2}chip 0 \(\d\/2\): accuracy/m);
    const tail = one.stdout.slice(one.stdout.indexOf('Summary: '));
    for (const key of ['software accuracy', 'analog accuracy (2 chips)', 'energy per inference', 'latency per inference', 'inferences/s', 'area', 'tiles', 'TOPS/W']) {
      expect(tail).toMatch(new RegExp(`^${key.replace(/[()/]/g, '\\$&')} {2,}\\S`, 'm'));
    }
    // per-layer breakdown: the stages of the 784-32-10 MLP
    for (const stage of ['flatten', 'fc1', 'relu1', 'out']) expect(tail).toMatch(new RegExp(`^${stage} +(analog|digital) `, 'm'));
  });

  it('report.json: per-chip results whose mean is the reported mean, energy totals that are the sum of the layers', () => {
    const r = reportIn(runDir(one));
    expect(r.command).toBe('run');
    expect(r.software!.n).toBe(200);
    const sim = r.simulation!;
    expect(sim.chips.map((c) => c.chip)).toEqual([0, 1]);
    for (const c of sim.chips) {
      expect(c.samples).toBe(200);
      expect(c.accuracy).toBe(c.correct / c.samples);
    }
    const accs = sim.chips.map((c) => c.accuracy);
    expect(sim.stats.mean).toBeCloseTo((accs[0] + accs[1]) / 2, 12);
    expect(sim.stats.min).toBe(Math.min(...accs));
    expect(sim.stats.max).toBe(Math.max(...accs));
    expect(sim.stats.std).toBeCloseTo(Math.abs(accs[0] - accs[1]) / Math.SQRT2, 12);
    // a trained network (far above chance, 10%) keeps most of its accuracy on 8-bit RRAM crossbars
    expect(r.software!.accuracy).toBeGreaterThan(0.6);
    expect(sim.stats.mean).toBeGreaterThan(r.software!.accuracy - 0.1);

    const cost = r.cost!;
    expect(cost).toMatchObject({ chip: 0, inferences: 200 });
    const stages = cost.report.stages;
    const sum = stages.reduce((a, s) => a + s.energy.total, 0);
    expect(cost.report.totals.energy.total).toBeCloseTo(sum, 18);
    expect(cost.report.totals.energy.total).toBeGreaterThan(0);
    for (const s of stages) {
      const parts = s.energy.cells + s.energy.dac + s.energy.sampleHold + s.energy.adc + s.energy.shiftAdd + s.energy.digital + s.energy.buffer + s.energy.interconnect;
      expect(s.energy.total, s.name).toBeCloseTo(parts, 18);
    }
    expect(cost.report.totals.tiles).toBe(r.deployment!.totals.tiles);

    // the deployment inspection: 784 inputs over 128-row tiles -> 7 row blocks for fc1
    const fc1 = r.deployment!.stages.find((s) => s.name === 'fc1')!;
    expect(fc1).toMatchObject({ kind: 'analog', K: 784, N: 32, rowBlocks: 7, colBlocks: 1, tiles: 7, slices: 1 });
    expect(r.deployment!.stages.find((s) => s.name === 'relu1')).toMatchObject({ kind: 'digital' });
    // the config as run, hardware included
    expect((r.config as { hardware: { device: { preset: string } } }).hardware.device.preset).toBe('rram');
  });

  it('two worker threads give the same chips as one thread, in the same folder', () => {
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toMatch(/model: reused mlp/);
    expect(two.stdout).toMatch(/with 2 threads/);
    expect(runDir(two)).toBe(runDir(one));
    const a = reportIn(runDir(one));
    const r = reportIn(runDir(two));
    expect(r.simulation!.threads).toBe(2);
    expect(r.simulation!.chips.map((c) => c.correct)).toEqual(a.simulation!.chips.map((c) => c.correct));
    expect(r.cost!.report.totals.energy.total).toBe(a.cost!.report.totals.energy.total);
  });

  it('report.html: self-contained with inline SVG charts', () => {
    const html = readFileSync(join(runDir(one), 'report.html'), 'utf8');
    expect(html.match(/<svg/g)!.length).toBe(3);
    expect(html.replace(/xmlns(:\w+)?="http:\/\/www\.w3\.org\/[^"]*"/g, '')).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script/i);
    const r = reportIn(runDir(one));
    expect(html).toContain(`${(100 * r.simulation!.stats.mean).toFixed(2)}%`);
  });

  it('another ADC reuses the trained model and writes to another folder', async () => {
    const r = await cli(['run', ...tiny, '--threads', '1', '--adc-bits', '4', '--chips', '1'], io);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/model: reused mlp/);
    expect(runDir(r)).not.toBe(runDir(one));
    const rep = reportIn(runDir(r));
    expect(rep.deployment!.hardware.adc.bits).toBe(4);
    expect(rep.configHash).toBe(reportIn(runDir(one)).configHash);
    expect(rep.jobHash).not.toBe(reportIn(runDir(one)).jobHash);
  });
});

describe('xbarnet deploy / simulate / cost on the cached model', () => {
  it('deploy prints the inspection table', async () => {
    const r = await cli(['deploy', ...tiny, '--tile', '256x64'], io);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/model: reused mlp/);
    expect(r.stdout).toContain('Deployment of mlp: conventional scheme on rram (32 levels), 256x64 tiles');
    // 784 rows over 256-row tiles: 4 row blocks; 32 outputs over 32 differential pairs: 1 column block
    expect(r.stdout).toMatch(/^fc1 +Dense +analog +784 x 32 +1 +4 +4 x 1 /m);
    expect(r.stdout).toMatch(/^relu1 +ReLU +digital .*activation in digital periphery/m);
    expect(readdirSync(join(tmp, 'runs')).some((d) => readdirSync(join(tmp, 'runs', d)).includes('deploy.json'))).toBe(true);
  });

  it('simulate prints the per-chip accuracies and their spread', async () => {
    const r = await cli(['simulate', ...tiny, '--threads', '1'], io);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^chip +seed +accuracy +correct +stuck cells$/m);
    expect(r.stdout).toMatch(/^ +0 +\d+ +\d+\.\d\d% +\d+\/200 +0$/m);
    expect(r.stdout).toMatch(/^analog accuracy \(2 chips\) +\d+\.\d\d% \+- /m);
    expect(r.stdout).not.toContain('energy per inference');
  });

  it('cost runs one chip and prints the cost table', async () => {
    const r = await cli(['cost', ...tiny], io);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\[4\/6\] activity: chip 0 ran 200 test samples/);
    expect(r.stdout).toMatch(/^energy per inference +\S+ [pnu]J/m);
    expect(r.stdout).toContain('Cost per inference (averaged over 200 inferences');
    expect(r.stdout).toMatch(/^total +8 /m);
  });

  it('a bad hardware value or scheme is a user error before any work', async () => {
    expectUserError(await cli(['run', ...tiny, '--adc-bits', '0'], io), /command line \(.*--adc-bits.*\): hardware\.adc\.bits: expected a positive integer, got 0/);
    expectUserError(await cli(['deploy', ...tiny, '--tile', '8192x128'], io), /tile\.rows = 8192 is larger than any sensible array/);
    expectUserError(await cli(['run', ...tiny, '--device', 'reram'], io), /unknown device preset 'reram'.*Did you mean 'rram'\?/);
    expectUserError(await cli(['simulate', ...tiny, '--scheme', 'conventinal'], io), /unknown scheme 'conventinal' \(simulation\.scheme\).*Did you mean 'conventional'\?/);
    expectUserError(await cli(['cost', ...tiny, '--tile', 'big'], io), /--tile.*expected ROWSxCOLS/);
  });

  it('per-pixel labels: the chips are scored per pixel, and cost counts the activity', async () => {
    const seg = ['--dataset', 'vessels', '--model', 'fcn-small', '--epochs', '1', '--limit', '8,4', '--chips', '2', '--threads', '1'];
    const r = await cli(['run', ...seg], io);
    expect(r.code, r.stderr).toBe(0);
    const m = r.stdout.match(/analog accuracy \(2 chips\) +([\d.]+)%/);
    expect(m, r.stdout).not.toBeNull();
    // a fraction of pixels: a percentage, not a count of samples
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![1])).toBeLessThanOrEqual(100);
    const c = await cli(['cost', ...seg], io);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/activity: chip 0 ran 4 test samples/);
    expect(c.stdout).toMatch(/^energy per inference +\S+/m);
  });
});
