/**
 * Figures: a benchmark records samples; the report turns them into a median, compares it with the figure's
 * target (every target here is an upper bound: lower is better) and prints the table.
 */
import { median, round } from './stats.mjs';

/**
 * One figure from its samples. `value` overrides the median of `samples` (ratios are taken of medians).
 * `target`, when set, is the most the value may be.
 */
export function makeFigure({ id, label, unit, samples, value, target, digits = 3, note }) {
  const v = value ?? median(samples);
  const figure = { id, label, unit, value: round(v, digits), samples: samples.map((s) => round(s, digits)) };
  if (target !== undefined) {
    figure.target = target;
    figure.met = v <= target;
    // By how much the value exceeds the target, relative to it (0.25 = 25 % over); 0 when met.
    figure.missed_by = figure.met ? 0 : round((v - target) / target, 3);
  }
  if (note) figure.note = note;
  return figure;
}

export function formatValue(value, unit) {
  if (unit === 'x') return `${value.toFixed(2)}x`;
  if (unit === 's') return `${value.toFixed(3)} s`;
  if (unit === 'MB') return `${Math.round(value)} MB`;
  return `${value} ${unit}`;
}

function verdict(figure) {
  if (figure.target === undefined) return '';
  if (figure.met) return 'met';
  return `missed by ${Math.round(figure.missed_by * 100)}%`;
}

/** A plain-text table: figure, value, target, verdict. */
export function formatTable(figures) {
  const rows = figures.map((f) => [
    f.label,
    formatValue(f.value, f.unit),
    f.target === undefined ? '-' : `<= ${formatValue(f.target, f.unit)}`,
    verdict(f),
  ]);
  const head = ['figure', 'median', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
