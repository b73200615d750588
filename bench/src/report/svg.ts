/**
 * Small hand-written SVG charts for the README (issue 18.8): readers look at a curve
 * rather than read a table. Pure functions from figures to SVG text; no dependencies.
 */

/** One line on a chart. */
export interface Series {
  name: string;
  points: Array<[number, number]>;
  /** Dashed line (e.g. p50 beside a solid p99). */
  dashed?: boolean;
  /** Series with the same group share a colour (e.g. one server's p50 and p99). */
  group?: string;
}

/** A line chart: x against y for several series, with an optional target line. */
export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** A horizontal line at this y, labelled (e.g. "held: p99 ≤ 100 ms"). */
  threshold?: { y: number; label: string };
  /** Log scale on y (latencies spanning 1 ms to seconds). */
  logY?: boolean;
}

/** One bar group: a label with a median and its range. */
export interface RangeBar {
  label: string;
  median: number;
  min: number;
  max: number;
}

const W = 780;
const H = 360;
const M = { left: 64, right: 280, top: 36, bottom: 48 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (n: number) => (Math.abs(n) >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10));

/** "Nice" tick values covering [lo, hi]: about `count` steps of 1, 2 or 5 × 10^k. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

/** Ticks from `ticks`, plus one more step when the last falls short of `hi`, so the axis covers every value. */
function covering(lo: number, hi: number): number[] {
  const t = ticks(lo, hi);
  if (t.length > 1 && t[t.length - 1]! < hi) t.push(t[t.length - 1]! + (t[1]! - t[0]!));
  return t;
}

function frame(title: string, xLabel: string, yLabel: string, body: string[], h = H): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${h}" fill="white"/>`,
    `<text x="${M.left}" y="20" font-size="13" font-weight="bold">${esc(title)}</text>`,
    `<text x="${M.left + (W - M.left - M.right) / 2}" y="${h - 10}" text-anchor="middle">${esc(xLabel)}</text>`,
    ...(yLabel ? [`<text transform="translate(14 ${M.top + (h - M.top - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`] : []),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Renders a line chart as SVG text. */
export function lineChart(c: LineChart): string {
  const pts = c.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!c.logY || y > 0));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]).concat(c.threshold ? [c.threshold.y] : []);
  const x0 = Math.min(0, ...xs);
  const x1 = Math.max(1, ...xs);
  const tx = covering(x0, x1);
  const xHi = Math.max(x1, tx[tx.length - 1]!);
  const yLo = c.logY ? 10 ** Math.floor(Math.log10(Math.max(1e-3, Math.min(...ys)))) : 0;
  const yHi = c.logY ? 10 ** Math.ceil(Math.log10(Math.max(yLo * 10, ...ys))) : Math.max(...covering(0, Math.max(1, ...ys)));
  const px = (x: number) => M.left + ((x - x0) / (xHi - x0)) * (W - M.left - M.right);
  const py = (y: number) => {
    const f = c.logY ? (Math.log10(y) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo)) : (y - yLo) / (yHi - yLo);
    return H - M.bottom - f * (H - M.top - M.bottom);
  };
  const yt = c.logY ? Array.from({ length: Math.round(Math.log10(yHi / yLo)) + 1 }, (_, i) => yLo * 10 ** i) : ticks(yLo, yHi);
  const body: string[] = [];
  for (const y of yt)
    body.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/><text x="${M.left - 6}" y="${py(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
  for (const x of tx) body.push(`<text x="${px(x)}" y="${H - M.bottom + 16}" text-anchor="middle">${fmt(x)}</text>`);
  body.push(
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/><line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>`,
  );
  if (c.threshold) {
    const y = py(c.threshold.y);
    body.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#999" stroke-dasharray="2 3"/><text x="${W - M.right - 4}" y="${y - 4}" text-anchor="end" fill="#666">${esc(c.threshold.label)}</text>`,
    );
  }
  const groups = [...new Set(c.series.map((s) => s.group ?? s.name))];
  c.series.forEach((s, i) => {
    const color = COLORS[groups.indexOf(s.group ?? s.name) % COLORS.length];
    const ok = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!c.logY || y > 0)).sort((a, b) => a[0] - b[0]);
    const dash = s.dashed ? ' stroke-dasharray="5 4"' : '';
    if (ok.length)
      body.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${ok.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of ok) body.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2.5" fill="${color}"/>`);
    const ly = M.top + 8 + i * 16;
    body.push(
      `<line x1="${W - M.right + 10}" x2="${W - M.right + 30}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/><text x="${W - M.right + 34}" y="${ly + 4}">${esc(s.name)}</text>`,
    );
  });
  return frame(c.title, c.xLabel, c.yLabel, body);
}

/** Renders horizontal bars (median) with range whiskers, one per label. */
export function rangeBars(title: string, unit: string, bars: RangeBar[]): string {
  const hi = Math.max(1, ...bars.flatMap((b) => [b.max, b.median]).filter(Number.isFinite));
  const t = covering(0, hi);
  const top = Math.max(hi, t[t.length - 1]!);
  const left = 300;
  const rowH = 28;
  const h = M.top + Math.max(1, bars.length) * rowH + M.bottom;
  const px = (v: number) => left + (v / top) * (W - left - 40);
  const body: string[] = [];
  for (const v of t)
    body.push(
      `<line x1="${px(v)}" x2="${px(v)}" y1="${M.top}" y2="${h - M.bottom}" stroke="#ddd"/><text x="${px(v)}" y="${h - M.bottom + 16}" text-anchor="middle">${fmt(v)}</text>`,
    );
  bars.forEach((b, i) => {
    const y = M.top + i * rowH + rowH / 2;
    body.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end">${esc(b.label)}</text>`);
    if (!Number.isFinite(b.median)) return;
    body.push(
      `<rect x="${left}" y="${(y - rowH / 3).toFixed(1)}" width="${(px(b.median) - left).toFixed(1)}" height="${((2 * rowH) / 3).toFixed(1)}" fill="${COLORS[i % COLORS.length]}" opacity="0.7"/>`,
    );
    if (Number.isFinite(b.min) && Number.isFinite(b.max)) body.push(`<line x1="${px(b.min).toFixed(1)}" x2="${px(b.max).toFixed(1)}" y1="${y}" y2="${y}" stroke="#222"/>`);
  });
  return frame(title, unit, '', body, h);
}
