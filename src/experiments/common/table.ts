/** Plain-text tables for experiment reports: columns padded to their widest cell, a rule under the header. */

export function textTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly boolean[] = []): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => widths.map((w, i) => (rightAligned[i] ? (cells[i] ?? '').padStart(w) : (cells[i] ?? '').padEnd(w))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** An SI-prefixed value, e.g. `1.23 nJ` (three significant digits). */
export function si(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '-';
  if (value === 0) return `0 ${unit}`;
  const prefixes: [number, string][] = [[1e3, 'k'], [1, ''], [1e-3, 'm'], [1e-6, 'u'], [1e-9, 'n'], [1e-12, 'p'], [1e-15, 'f']];
  const a = Math.abs(value);
  const [f, p] = prefixes.find(([f]) => a >= f) ?? prefixes[prefixes.length - 1];
  return `${(value / f).toPrecision(3)} ${p}${unit}`;
}

/** A fraction as a percentage, `12.34%` (`digits` decimals); `-` when not finite. */
export function pct(x: number, digits = 2): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : '-';
}

/** An accuracy over chips as percentages, `97.12 ± 0.35%`; without the `±` part when the std is not finite (one chip). */
export function pctMeanStd(m: { mean: number; std: number }): string {
  const std = Number.isFinite(m.std) ? ` ± ${(100 * m.std).toFixed(2)}` : '';
  return `${(100 * m.mean).toFixed(2)}${std}%`;
}

/** A count with a k or M suffix: `950`, `12.3k`, `1.25M`. */
export function count(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}
