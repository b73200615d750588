/**
 * Renders scenario results as aligned plain-text tables (terminal) and Markdown tables
 * (bench/README.md), one per scenario, figures as columns.
 */
import type { ScenarioResult, TargetLine } from '../scenarios/scenario';

function columns(result: ScenarioResult): string[] {
  const seen = new Set<string>();
  for (const row of result.rows) for (const k of Object.keys(row.figures)) seen.add(k);
  return [...seen];
}

function cell(v: number | string | null | undefined): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '—';
  return v;
}

function ratioLines(result: ScenarioResult): string[] {
  return Object.entries(result.ratios).map(([k, v]) => `${k}: ${Number.isFinite(v) ? `${Math.round(v * 100) / 100}×` : '—'}`);
}

/** "met", "NOT met" or "not measured". */
export function verdict(t: TargetLine): string {
  return t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met';
}

/** A target's measured value for display. */
export function targetValue(t: TargetLine): string {
  return typeof t.value === 'number' ? (Number.isFinite(t.value) ? String(Math.round(t.value * 100) / 100) : '—') : t.value;
}

/** A target as one line: what, value, target. */
export function targetLine(t: TargetLine): string {
  return `${t.name}: ${targetValue(t)} (target ${t.target})`;
}

/** One scenario as an aligned text table, then its ratios. */
export function textTable(result: ScenarioResult): string {
  const cols = ['server', ...columns(result)];
  const rows = result.rows.map((r) => [r.label, ...cols.slice(1).map((c) => cell(r.figures[c]))]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [
    `## ${result.title}`,
    line(cols),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    ...ratioLines(result),
    ...(result.targets ?? []).map((t) => `target: ${targetLine(t)} — ${verdict(t)}`),
  ].join('\n');
}

/** One scenario as a Markdown table, then its ratios as a list. */
export function markdownTable(result: ScenarioResult): string {
  const cols = ['server', ...columns(result)];
  const rows = result.rows.map((r) => [r.label, ...cols.slice(1).map((c) => cell(r.figures[c]))]);
  const md = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const ratios = ratioLines(result).map((l) => `- ${l}`);
  const targets = (result.targets ?? []).map((t) => `- **${verdict(t)}** — ${targetLine(t)}`);
  const charts = (result.charts ?? []).map((c) => `![${c.title}](results/charts/${c.file})`);
  return [`### ${result.title}`, '', md(cols), md(cols.map(() => '---')), ...rows.map(md), '', ...ratios, ...targets, ...(charts.length ? ['', ...charts] : [])].join('\n');
}
