/** Plain-text tables for the terminal, and the number formats the report uses everywhere. */
import { formatArea, formatSi } from '../cost/format.js';

export type Align = 'l' | 'r';

/** A table as data, rendered to text (`renderText`) or HTML (html.ts). */
export interface TableModel {
  header: string[];
  rows: string[][];
  align: Align[];
  /** Rows after a rule, e.g. a total. */
  footer?: string[][];
}

export function renderText(t: TableModel): string {
  return textTable(t.header, t.rows, t.align, t.footer);
}

/**
 * Columns padded to their widest cell, two spaces apart, a rule under the header. `footer` rows
 * (e.g. a total) come after a second rule.
 */
export function textTable(header: readonly string[], rows: readonly string[][], align: readonly Align[], footer: readonly string[][] = []): string {
  const all = [header, ...rows, ...footer];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    widths.map((w, i) => (align[i] === 'r' ? (cells[i] ?? '').padStart(w) : (cells[i] ?? '').padEnd(w))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line), ...(footer.length ? [rule, ...footer.map(line)] : [])].join('\n');
}

/** `98.76%` */
export function pct(x: number, digits = 2): string {
  return `${(100 * x).toFixed(digits)}%`;
}

/** Percentage points: `0.12 pp`. */
export function pp(x: number, digits = 2): string {
  return `${(100 * x).toFixed(digits)} pp`;
}

/** A count with an SI prefix: 21900 -> `21.9 k`. */
export function count(x: number): string {
  return Number.isFinite(x) ? formatSi(x, '').trimEnd() : String(x);
}

/** Three significant digits. */
export function sig3(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

export { formatArea, formatSi };
