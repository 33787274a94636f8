/**
 * The IDM experiment's text output: the main table, the energy breakdown by component, and an
 * explanation of each family's efficiency ratio computed from that breakdown. The paper's claim is
 * a labelled reference string printed beside the measurement and never used in computation.
 */
import { pct, pctMeanStd, si, textTable } from '../common/table.js';
import { ENERGY_PARTS, PART_LABELS, energyShares } from './breakdown.js';
import type { IdmFamily } from './networks.js';
import type { IdmResult, IdmRow } from './run.js';

/**
 * Feng et al., "Information Dimension Matching in Memristive Computing System for Analog Deployment
 * of Deep Neural Networks", Adv. Electron. Mater. 10(10), 2024, doi 10.1002/aelm.202400106: the
 * abstract (docs/sources.md section 8). Its networks, device and circuit are not public.
 */
export const PAPER_CLAIM =
  'Feng et al., Adv. Electron. Mater. 2024 (abstract only): against traditional deployment, IDM gives better inference accuracy ' +
  'and more than 4x energy efficiency for four-layer DNNs, and the gain grows with depth (a CNN and an RNN). ' +
  'Networks, device and circuit not published.';

const FAMILY_NAMES: Readonly<Record<IdmFamily, string>> = { cnn: 'CNN', rnn: 'RNN' };

function area(m2: number): string {
  return `${(m2 / 1e-6).toPrecision(3)} mm²`;
}

function ratio(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}x` : '-';
}

/** One row per (family, depth, scheme). */
export function formatIdmTable(result: IdmResult): string {
  const header = ['family', 'L', 'network', 'scheme', 'accuracy (mean ± std)', 'software', 'energy/inf', 'latency', 'area', 'TOPS/W', 'E / E(idm)'];
  const rows = result.rows.map((r) => [
    FAMILY_NAMES[r.family], String(r.depth), r.network, r.schemeLabel, pctMeanStd(r.accuracy), pct(r.softwareAccuracy),
    si(r.energy, 'J'), si(r.latency, 's'), area(r.area), r.topsPerWatt.toPrecision(3), ratio(r.ratio),
  ]);
  return textTable(header, rows, [false, true, false, false, true, true, true, true, true, true, true]);
}

/** Each row's energy by component, as shares of its total. */
export function formatIdmBreakdown(result: IdmResult): string {
  const used = ENERGY_PARTS.filter((k) => result.rows.some((r) => r.parts[k] > 0));
  const header = ['family', 'L', 'scheme', ...used.map((k) => PART_LABELS[k]), 'total', 'DAC/inf', 'ADC/inf', 'TIA/inf'];
  const rows = result.rows.map((r) => {
    const shares = energyShares(r.parts);
    return [
      FAMILY_NAMES[r.family], String(r.depth), r.schemeLabel, ...used.map((k) => pct(shares[k], 1)), si(r.parts.total, 'J'),
      Math.round(r.conversions.dac).toString(), Math.round(r.conversions.adc).toString(), Math.round(r.conversions.tia).toString(),
    ];
  });
  return textTable(header, rows, [false, true, false, ...used.map(() => true), true, true, true, true]);
}

/** The parts above `min` of a row's total, largest first: "ADC 33% (13.8 nJ), ...". */
function dominant(r: IdmRow, min = 0.05): string {
  const shares = energyShares(r.parts);
  return ENERGY_PARTS.filter((k) => shares[k] >= min)
    .sort((a, b) => shares[b] - shares[a])
    .map((k) => `${PART_LABELS[k]} ${pct(shares[k], 0)} (${si(r.parts[k], 'J')})`)
    .join(', ');
}

/**
 * Per family: the ratio by depth against both baselines, and for the deepest network where the
 * energy goes under each scheme, what idm removes and what it adds.
 */
export function explainIdm(result: IdmResult): string {
  const lines: string[] = [];
  for (const family of ['cnn', 'rnn'] as const) {
    const rows = result.rows.filter((r) => r.family === family);
    if (rows.length === 0) continue;
    const depths = [...new Set(rows.map((r) => r.depth))].sort((a, b) => a - b);
    const at = (depth: number, scheme: string) => rows.find((r) => r.depth === depth && r.scheme === scheme)!;
    lines.push(`${FAMILY_NAMES[family]}: energy-efficiency ratio E(conventional) / E(idm) by depth`);
    lines.push(`  vs calibrated ADC: ${depths.map((d) => `L=${d} ${ratio(at(d, 'conventional').ratio)}`).join(', ')}`);
    lines.push(`  vs fixed ADC:      ${depths.map((d) => `L=${d} ${ratio(at(d, 'conventional-fixed').ratio)}`).join(', ')}`);
    lines.push(`  accuracy idm - conventional (calibrated / fixed ADC), percentage points: ${depths
      .map((d) => {
        const i = at(d, 'idm').accuracy.mean;
        const pp = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}`;
        return `L=${d} ${pp(i - at(d, 'conventional').accuracy.mean)} / ${pp(i - at(d, 'conventional-fixed').accuracy.mean)}`;
      })
      .join(', ')}`);
    const deep = depths[depths.length - 1];
    const conv = at(deep, 'conventional');
    const idm = at(deep, 'idm');
    lines.push(`  at L=${deep}, conventional ${si(conv.energy, 'J')}/inference: ${dominant(conv)}`);
    lines.push(`  at L=${deep}, idm ${si(idm.energy, 'J')}/inference: ${dominant(idm)}`);
    const removed = (['dac', 'adc', 'sampleHold', 'shiftAdd', 'digital', 'buffer', 'interconnect'] as const).reduce((s, k) => s + conv.parts[k] - idm.parts[k], 0);
    const added = idm.parts.tia + idm.parts.analogUnits - conv.parts.tia - conv.parts.analogUnits;
    lines.push(
      `  idm removes ${si(removed, 'J')} of converters, buffer, interconnect and digital units ` +
        `(${Math.round(conv.conversions.dac - idm.conversions.dac)} DAC and ${Math.round(conv.conversions.adc - idm.conversions.adc)} ADC conversions per inference) ` +
        `and adds ${si(added, 'J')} of amplifiers (${Math.round(idm.conversions.tia)} per inference) and analog units (${Math.round(idm.conversions.analogOps)} operations)`,
    );
    if (idm.energyAnalogUnitsAtDigitalOp !== undefined && idm.parts.analogUnits > 0) {
      lines.push(
        `  sensitivity: with analog units at a digital op's energy, idm would be ${si(idm.energyAnalogUnitsAtDigitalOp, 'J')} ` +
          `and the ratio ${ratio(conv.energy / idm.energyAnalogUnitsAtDigitalOp)} at L=${deep}` +
          ` (${depths.map((d) => `L=${d} ${ratio(at(d, 'conventional').energy / (at(d, 'idm').energyAnalogUnitsAtDigitalOp ?? NaN))}`).join(', ')})`,
      );
    }
  }
  for (const s of result.skipped) lines.push(`${FAMILY_NAMES[s.family]}: skipped: ${s.reason}`);
  return lines.join('\n');
}

/** Everything printed at the end of a run. */
export function formatIdmReport(result: IdmResult): string {
  const o = result.options;
  const hw = result.hardware;
  const setup =
    `device ${hw.device}, ${hw.tile} tiles, ${hw.mapping} weights, ${hw.dacBits}-bit DAC (amplitude), ${hw.adcBits}-bit ADC; ` +
    `${o.chips} chip${o.chips === 1 ? '' : 's'} per deployment; seed ${o.seed}`;
  const training = [
    result.data.cnn ? `CNN: ${result.data.cnn.name}, ${result.data.cnn.train} training samples, ${o.epochs} epoch(s) Adam lr ${o.lr} batch ${o.batchSize}, ${result.data.cnn.test} test samples` : '',
    result.data.rnn ? `RNN: ${result.data.rnn.name}, ${result.data.rnn.train} training samples, ${o.rnnEpochs} epoch(s) Adam lr ${o.rnnLr} batch ${o.rnnBatchSize}, ${result.data.rnn.test} test samples` : '',
  ].filter((s) => s !== '');
  return [
    `IDM against the conventional scheme, by depth L (crossbar layers)`,
    setup,
    ...training,
    '',
    formatIdmTable(result),
    '',
    'Energy per inference by component (share of the row total) and conversions per inference (chip 0):',
    formatIdmBreakdown(result),
    '',
    explainIdm(result),
    '',
    `Paper (reference, not computed): ${PAPER_CLAIM}`,
  ].join('\n');
}
