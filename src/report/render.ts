/** `renderReport(data) -> { json, html }`: the two files a report is written as. */
import { renderSvg, reportCharts } from './charts.js';
import { reportHtml } from './html.js';
import type { ReportData } from './types.js';

/** JSON has no Infinity or NaN: such numbers are written as the strings 'Infinity', '-Infinity', 'NaN'. */
function finiteReplacer(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

export function reportJson(data: ReportData): string {
  return `${JSON.stringify(data, finiteReplacer, 2)}\n`;
}

export async function renderReport(data: ReportData): Promise<{ json: string; html: string }> {
  const charts = reportCharts(data);
  const svgs = new Map<string, string>();
  for (const c of charts) svgs.set(c.id, await renderSvg(c.spec));
  return { json: reportJson(data), html: reportHtml(data, charts, svgs) };
}
