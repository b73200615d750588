/**
 * Puts the latest full run's tables into bench/README.md, between the results markers,
 * so the README always holds the figures of bench/results/latest.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Pinning } from '../harness/pinning';
import type { MachineInfo } from './machine';
import { markdownTable, targetValue, verdict } from './table';
import type { ScenarioResult } from '../scenarios/scenario';

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

/** What the README section is made from (a run's results file). */
export interface RunReport {
  date: string;
  node: string;
  machine: MachineInfo;
  durationSeconds: number;
  /** The estimate printed at the start (harness/estimate.ts). */
  estimatedSeconds?: number;
  scenarios: ScenarioResult[];
  pinning: Pinning;
  runs: number;
  /** What the run did to Postgres's WAL before it (harness/postgres-wal.ts); absent in runs before 29 Nov. */
  postgresWal?: string;
}

/** Every target of the run in one table: where Outpost stands, met or not. */
export function targetSummary(scenarios: ScenarioResult[]): string[] {
  const lines = scenarios.flatMap((s) => (s.targets ?? []).map((t) => `| ${t.name} | ${t.target} | ${targetValue(t)} | **${verdict(t)}** |`));
  if (!lines.length) return [];
  return ['### Where Outpost stands against each target', '', '| figure | target | this run | verdict |', '| --- | --- | --- | --- |', ...lines, ''];
}

/** The results section's Markdown. */
export function resultsSection(run: RunReport): string {
  const m = run.machine;
  return [
    `Run ${run.date} on ${m.cores} × ${m.cpuModel}, ${m.memoryGb} GB, ${m.os}, Node ${run.node}; the whole run took ${(run.durationSeconds / 60).toFixed(1)} min (${run.durationSeconds} s${run.estimatedSeconds ? `; estimated ${(run.estimatedSeconds / 60).toFixed(1)} min at its start` : ''}).`,
    `Pinning: ${run.pinning.note}. Headline figures: ${run.runs} runs each, servers interleaved (order rotated per run), median and range.`,
    ...(run.postgresWal ? [`Postgres WAL (harness/postgres-wal.ts): ${run.postgresWal}.`] : []),
    '',
    ...targetSummary(run.scenarios),
    ...run.scenarios.flatMap((s) => [markdownTable(s), '', ...s.notes.map((n) => `> ${n}`), '']),
  ].join('\n');
}

/** Replaces the README's results section; does nothing when the markers are missing. */
export function updateReadme(file: string, run: RunReport): boolean {
  if (!existsSync(file)) return false;
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) return false;
  writeFileSync(file, `${text.slice(0, from + START.length)}\n${resultsSection(run)}\n${text.slice(to)}`);
  return true;
}
