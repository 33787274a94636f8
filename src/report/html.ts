/**
 * report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) with the
 * report's tables and charts. Every piece of text from the report is escaped.
 */
import type { Chart } from './charts.js';
import { type TableModel, pct } from './table.js';
import {
  INSPECTION_NOTES,
  chipTable,
  costTable,
  inspectionTable,
  reportTitle,
  summaryTable,
} from './terminal.js';
import type { ReportData } from './types.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML elements and quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function htmlTable(t: TableModel): string {
  const cell = (tag: 'th' | 'td', text: string, i: number) =>
    `<${tag}${t.align[i] === 'r' ? ' class="r"' : ''}>${escapeHtml(text)}</${tag}>`;
  const row = (cells: readonly string[], tag: 'th' | 'td') => `<tr>${cells.map((c, i) => cell(tag, c, i)).join('')}</tr>`;
  const foot = t.footer?.length ? `<tfoot>${t.footer.map((r) => row(r, 'td')).join('')}</tfoot>` : '';
  return `<table><thead>${row(t.header, 'th')}</thead><tbody>${t.rows.map((r) => row(r, 'td')).join('')}</tbody>${foot}</table>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.meta { color: #666; font-size: .85rem; } .note { color: #666; font-size: .85rem; }
table { border-collapse: collapse; margin: .6rem 0; font-variant-numeric: tabular-nums; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.r, th.r { text-align: right; white-space: nowrap; } tfoot td { font-weight: 600; border-top: 2px solid #ccc; }
figure { margin: 1rem 0; } pre { background: #f7f7f7; padding: .8rem; overflow-x: auto; font-size: .8rem; }
`;

/** The page. `svgs` are the rendered charts by id (already SVG markup from vega). */
export function reportHtml(r: ReportData, charts: readonly Chart[], svgs: ReadonlyMap<string, string>): string {
  const figure = (id: string) => {
    const chart = charts.find((c) => c.id === id);
    const svg = svgs.get(id);
    return chart && svg ? `<figure id="chart-${escapeHtml(id)}" aria-label="${escapeHtml(chart.title)}">${svg}</figure>` : '';
  };
  const sections: string[] = [];
  sections.push(`<h2>Summary</h2>${htmlTable(summaryTable(r))}`);
  if (r.cost) {
    sections.push(`<p class="note">Energy, latency and ADC clipping from the activity of chip ${r.cost.chip} over ${r.cost.inferences} test inferences.</p>`);
  }
  if (r.simulation?.scored) {
    const s = r.simulation;
    sections.push(
      `<h2>Accuracy over chips</h2>${figure('accuracy')}` +
        `<p class="note">${s.chips.length} chips, each programmed with its own seed, on ${s.chips[0]?.samples ?? 0} test samples; ` +
        `drift ${escapeHtml(String(s.driftSeconds))} s; ${s.threads} thread${s.threads === 1 ? '' : 's'}, ${s.seconds.toFixed(1)} s. ` +
        `Mean ${pct(s.stats.mean)}, sample std ${pct(s.stats.std)}.</p>${htmlTable(chipTable(s.chips))}`,
    );
  }
  if (r.cost) {
    sections.push(
      `<h2>Cost per inference, by stage</h2>${htmlTable(costTable(r.cost.report))}` +
        `<p class="note">The total area includes the chip's activation buffer (${r.cost.report.totals.bufferCapacity} B), which belongs to no stage.</p>` +
        figure('energy') + figure('area'),
    );
  }
  if (r.deployment) {
    sections.push(
      `<h2>Deployment</h2>${htmlTable(inspectionTable(r.deployment))}<p class="note">${escapeHtml(INSPECTION_NOTES.join(' '))}</p>`,
    );
  }
  if (r.training?.epochs.length) {
    const epochs: TableModel = {
      header: ['epoch', 'loss', 'training accuracy'],
      rows: r.training.epochs.map((e) => [String(e.epoch), e.loss.toFixed(4), pct(e.accuracy)]),
      align: ['r', 'r', 'r'],
    };
    sections.push(`<h2>Training</h2><p class="note">${r.training.seconds.toFixed(1)} s${r.model.reusedFromCache ? ' (earlier; the model was reused from the cache)' : ''}.</p>${htmlTable(epochs)}`);
  }
  sections.push(`<h2>Config</h2><pre>${escapeHtml(JSON.stringify(r.config, null, 2))}</pre>`);
  const meta =
    `xbarnet ${escapeHtml(r.xbarnet)} &middot; ${escapeHtml(r.command)} &middot; ${escapeHtml(r.createdAt)} &middot; ` +
    `model hash ${escapeHtml(r.configHash.slice(0, 12))} &middot; job hash ${escapeHtml(r.jobHash.slice(0, 12))}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>xbarnet report: ${escapeHtml(`${r.model.name} on ${r.dataset.name}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>xbarnet report: ${escapeHtml(reportTitle(r))}</h1>`,
    `<p class="meta">${meta}</p>`,
    ...sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
