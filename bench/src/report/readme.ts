/**
 * Puts the latest full run's tables into bench/README.md, between the results markers,
 * so the README always holds the figures of bench/results/latest.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { MachineInfo } from './machine';
import { markdownTable } from './table';
import type { ScenarioResult } from '../scenarios/scenario';

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

/** Replaces the README's results section; does nothing when the markers are missing. */
export function updateReadme(file: string, run: { date: string; node: string; machine: MachineInfo; durationSeconds: number; scenarios: ScenarioResult[] }): boolean {
  if (!existsSync(file)) return false;
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) return false;
  const m = run.machine;
  const body = [
    `Run ${run.date} on ${m.cores} × ${m.cpuModel}, ${m.memoryGb} GB, ${m.os}, Node ${run.node}; the whole run took ${run.durationSeconds} s.`,
    '',
    ...run.scenarios.flatMap((s) => [markdownTable(s), '', ...s.notes.map((n) => `> ${n}`), '']),
  ].join('\n');
  writeFileSync(file, `${text.slice(0, from + START.length)}\n${body}\n${text.slice(to)}`);
  return true;
}
