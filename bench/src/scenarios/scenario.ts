/**
 * The shape every scenario returns: one row of figures per server (or per variant), the
 * ratios the issue asks for, and notes saying exactly what was measured.
 */
import type { ServerKind } from '../servers/server';

/** One row of the results table. */
export interface ResultRow {
  /** Server, or server plus variant (e.g. "Outpost K=1000"). */
  label: string;
  server: ServerKind | 'baseline';
  figures: Record<string, number | string>;
}

/** A scenario's results. */
export interface ScenarioResult {
  id: string;
  title: string;
  rows: ResultRow[];
  /** Named ratios, e.g. "throughput vs best peer". */
  ratios: Record<string, number>;
  notes: string[];
}

/** Run-wide settings. */
export interface BenchContext {
  quick: boolean;
  /** Servers to include (Outpost is dropped when it cannot start). */
  servers: ServerKind[];
  log(line: string): void;
}

/** A scenario: its id, title and how to run it. */
export interface Scenario {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}
