// Turns rows into the printed table: each isorun figure beside the peer's from the same run.
import { OURS, PEER } from './impls.mjs';

export function formatValue(value, unit) {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  switch (unit) {
    case 'ns':
      if (value >= 1e9) return `${(value / 1e9).toFixed(2)} s`;
      if (value >= 1e6) return `${(value / 1e6).toFixed(value >= 1e8 ? 0 : 2)} ms`;
      if (value >= 1e3) return `${(value / 1e3).toFixed(value >= 1e5 ? 0 : 1)} µs`;
      return `${value.toFixed(0)} ns`;
    case 'bytes':
      if (Math.abs(value) >= 2 ** 20) return `${(value / 2 ** 20).toFixed(2)} MB`;
      return `${(value / 2 ** 10).toFixed(1)} KB`;
    case 'x':
      return `${value.toFixed(2)}×`;
    case 'req/s':
      return `${Math.round(value).toLocaleString('en-US')} req/s`;
    default:
      return `${value} ${unit ?? ''}`.trim();
  }
}

const keyOf = (row) => [row.bench, row.variant ?? '', row.metric ?? ''].join('\u0000');

/** isorun's median over the peer's, for rows that both measured (same bench, variant, metric). */
export function attachRatios(rows) {
  const peers = new Map();
  for (const row of rows) if (row.impl === PEER && isMeasured(row)) peers.set(keyOf(row), row);
  for (const row of rows) {
    const peer = peers.get(keyOf(row));
    if (row.impl === OURS && peer !== undefined && isMeasured(row) && peer.median !== 0) {
      row.ratio = row.median / peer.median;
    }
  }
  return rows;
}

const isMeasured = (row) => typeof row.median === 'number' && !Number.isNaN(row.median);

function describeTarget(target, unit) {
  if (target === undefined) return '';
  if (target.ratioMax !== undefined) return `≤ ${target.ratioMax}× peer`;
  if (target.ratioMin !== undefined) return `≥ ${target.ratioMin}× peer`;
  if (target.p99Max !== undefined) return `p99 ≤ ${formatValue(target.p99Max, unit)}`;
  if (target.max !== undefined) return `≤ ${formatValue(target.max, unit)}`;
  if (target.min !== undefined) return `≥ ${formatValue(target.min, unit)}`;
  return '';
}

/** 'met', 'MISSED', or '' when there is nothing to judge (not isorun, or not measured). */
export function verdict(row, target) {
  if (target === undefined || row.impl !== OURS || !isMeasured(row)) return '';
  if (target.ratioMax !== undefined) {
    if (row.ratio === undefined) return '';
    return row.ratio <= target.ratioMax ? 'met' : 'MISSED';
  }
  if (target.ratioMin !== undefined) {
    if (row.ratio === undefined) return '';
    return row.ratio >= target.ratioMin ? 'met' : 'MISSED';
  }
  if (target.p99Max !== undefined) return typeof row.p99 === 'number' && row.p99 <= target.p99Max ? 'met' : 'MISSED';
  if (target.max !== undefined) return row.median <= target.max ? 'met' : 'MISSED';
  if (target.min !== undefined) return row.median >= target.min ? 'met' : 'MISSED';
  return '';
}

function pad(cells, widths) {
  return cells.map((cell, i) => String(cell).padEnd(widths[i])).join('  ');
}

/** A plain-text table of `rows`; `benches` supplies titles and targets. */
export function formatTable(rows, benches) {
  attachRatios(rows);
  const byName = new Map(benches.map((bench) => [bench.name, bench]));
  const header = ['benchmark', 'impl', 'median', 'p99', 'n', 'isorun/peer', 'target', 'verdict', 'notes'];
  const lines = rows.map((row) => {
    const target = byName.get(row.bench)?.targets?.[row.metric];
    const name = [row.bench, row.variant, row.metric && row.metric !== 'time' ? row.metric : undefined]
      .filter(Boolean)
      .join(' / ');
    const notes = [row.outcome, row.note].filter(Boolean).join('; ');
    return [
      name,
      row.impl,
      formatValue(row.median, row.unit),
      row.p99 === undefined ? '' : formatValue(row.p99, row.unit),
      row.n ?? '',
      row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}×`,
      row.impl === OURS ? describeTarget(target, row.unit) : '',
      verdict(row, target),
      notes,
    ];
  });
  const widths = header.map((_, i) => Math.max(header[i].length, ...lines.map((line) => String(line[i]).length)));
  widths[widths.length - 1] = 0;
  return [
    pad(header, widths),
    pad(
      widths.map((w) => '-'.repeat(Math.max(w, 5))),
      widths,
    ),
    ...lines.map((l) => pad(l, widths)),
  ]
    .map((line) => line.trimEnd())
    .join('\n');
}
