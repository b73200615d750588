/**
 * The shape every scenario returns: one row of figures per server (or per variant), the
 * ratios the issue asks for, and notes saying exactly what was measured.
 */
import type { Spread } from '../harness/stats';
import type { ServerKind } from '../servers/server';

/** One row of the results table. */
export interface ResultRow {
  /** Server, or server plus variant (e.g. "Outpost K=1000"). */
  label: string;
  server: ServerKind | 'baseline';
  figures: Record<string, number | string>;
  /** Repeated-sample figures as numbers (median, range), for charts; the table shows `figures`. */
  spreads?: Record<string, Spread>;
}

/** A target the issues set, and whether this run met it. */
export interface TargetLine {
  /** What is measured, e.g. "fan-out: highest held rate ÷ best peer". */
  name: string;
  /** The target in words, e.g. "≥ 1.5×". */
  target: string;
  value: number | string;
  /** null when the run could not decide (a figure is missing). */
  met: boolean | null;
}

/** An SVG chart drawn from a scenario's figures (report/svg.ts). */
export interface Chart {
  /** File name under results/charts/, e.g. "fanout-latency.svg". */
  file: string;
  title: string;
  svg: string;
}

/** A scenario's results. */
export interface ScenarioResult {
  id: string;
  title: string;
  rows: ResultRow[];
  /** Named ratios, e.g. "throughput vs best peer". */
  ratios: Record<string, number>;
  notes: string[];
  /** Targets with a met / not-met verdict (issue 18.8). */
  targets?: TargetLine[];
  charts?: Chart[];
  /**
   * Work left for later (the memory scenario's 5-minute idle reading): the runner calls
   * `run` between later scenarios once `readyAt` (performance.now()) has passed, or at the
   * end, and replaces this result with what it returns.
   */
  finish?: { readyAt: number; run(): Promise<ScenarioResult> };
}

/** Run-wide settings. */
export interface BenchContext {
  quick: boolean;
  /** Servers under test to include (Outpost is dropped when it cannot start). */
  servers: ServerKind[];
  /** Reference servers to run beside them where a scenario has one (fan-out: the forwarder); never peers in a ratio. */
  references: ServerKind[];
  /** Repeats per headline figure (≥ 5 in a full run), servers interleaved per repeat. */
  runs: number;
  log(line: string): void;
}

/** A scenario: its id, title and how to run it. */
export interface Scenario {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}

/** A target line: met when `pass(value)`, undecided when the value is missing. */
export function judge(name: string, target: string, value: number, pass: (v: number) => boolean): TargetLine {
  return { name, target, value, met: Number.isFinite(value) ? pass(value) : null };
}
