/**
 * Files of an IDM run: idm-result.json (every record), idm-report.txt (the printed report),
 * idm-ratio.svg (the efficiency ratio against depth) and idm-report.html (the report with the chart
 * inline; no script, nothing fetched).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { escapeHtml, renderSvg } from '../../report/index.js';
import { PAPER_CLAIM, formatIdmReport } from './format.js';
import type { IdmResult } from './run.js';

/** Vega-Lite: E(conventional) / E(idm) against depth, one line per family and baseline, a rule at parity. */
export function ratioChartSpec(result: IdmResult): TopLevelSpec {
  const values = result.rows
    .filter((r) => r.scheme !== 'idm')
    .map((r) => ({ family: r.family.toUpperCase(), depth: r.depth, baseline: r.schemeLabel, ratio: r.ratio, series: `${r.family.toUpperCase()} vs ${r.schemeLabel}` }));
  const depths = [...new Set(values.map((v) => v.depth))].sort((a, b) => a - b);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'IDM energy-efficiency gain against depth: E(conventional) / E(idm) per inference',
    width: 520,
    height: 300,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'depth', type: 'quantitative', title: 'crossbar layers L', axis: { values: depths, format: 'd' } },
          y: { field: 'ratio', type: 'quantitative', title: 'E(conventional) / E(idm)', scale: { zero: true } },
          color: { field: 'family', type: 'nominal', title: 'family' },
          strokeDash: { field: 'baseline', type: 'nominal', title: 'baseline', legend: { labelLimit: 320 } },
          detail: { field: 'series', type: 'nominal' },
          tooltip: [{ field: 'series' }, { field: 'depth' }, { field: 'ratio', format: '.2f' }],
        },
      },
      {
        data: { values: [{ ratio: 1 }] },
        mark: { type: 'rule', color: '#999', strokeDash: [2, 2] },
        encoding: { y: { field: 'ratio', type: 'quantitative' } },
      },
    ],
  };
}

export function idmHtml(result: IdmResult, svg: string): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>xbarnet: IDM experiment</title>',
    '<style>body{font:14px/1.45 system-ui,sans-serif;color:#222;margin:2rem auto;max-width:90rem;padding:0 1rem}',
    'pre{background:#f7f7f7;padding:.8rem;overflow-x:auto;font-size:.78rem}.note{color:#555}</style></head><body>',
    '<h1>IDM against the conventional scheme, by depth</h1>',
    `<p class="note">Paper (reference, not computed): ${escapeHtml(PAPER_CLAIM)}</p>`,
    `<figure>${svg}</figure>`,
    `<pre>${escapeHtml(formatIdmReport(result))}</pre>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** Writes the run's files to `dir` (created) and returns their paths. */
export async function writeIdmOutputs(result: IdmResult, dir: string): Promise<{ json: string; text: string; svg: string; html: string }> {
  mkdirSync(dir, { recursive: true });
  const paths = {
    json: join(dir, 'idm-result.json'),
    text: join(dir, 'idm-report.txt'),
    svg: join(dir, 'idm-ratio.svg'),
    html: join(dir, 'idm-report.html'),
  };
  const svg = await renderSvg(ratioChartSpec(result));
  writeFileSync(paths.json, `${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  writeFileSync(paths.text, `${formatIdmReport(result)}\n`);
  writeFileSync(paths.svg, svg);
  writeFileSync(paths.html, idmHtml(result, svg));
  return paths;
}
