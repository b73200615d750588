/**
 * CPU time the hypervisor gave to other machines while a step ran ("steal", from Linux's
 * `/proc/stat`): on a shared virtual machine a step can stall on both cores at once, the
 * generator's as well as the server's, for reasons neither has. Read for the server's core
 * when the run is pinned (the whole machine otherwise); null where `/proc/stat` is absent.
 */
import { readFileSync } from 'node:fs';
import { currentPinning } from './pinning';
import { round } from './stats';

/** Cumulative ticks of one `/proc/stat` cpu line. */
export interface CpuTicks {
  steal: number;
  total: number;
}

/** The ticks of line `cpu<core>` (`cpu` for the whole machine) in a `/proc/stat` text. */
export function parseCpuTicks(stat: string, core?: number): CpuTicks | null {
  const name = core === undefined ? 'cpu' : `cpu${core}`;
  const line = stat.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) return null;
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is within user.
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return null;
  return { steal: fields[7]!, total: fields.reduce((a, b) => a + b, 0) };
}

/** The server core's ticks now (null off Linux). */
export function readCpuTicks(): CpuTicks | null {
  try {
    return parseCpuTicks(readFileSync('/proc/stat', 'utf8'), currentPinning().serverCore);
  } catch {
    return null;
  }
}

/** Steal between two readings, % of that core's time; null without both or without time between them. */
export function stealPercent(before: CpuTicks | null, after: CpuTicks | null): number | null {
  if (!before || !after || after.total <= before.total) return null;
  return (100 * (after.steal - before.steal)) / (after.total - before.total);
}

/** Starts a reading of the server core's steal; the function returned gives it since then (%, rounded), null where unknown. */
export function watchSteal(): () => number | null {
  const before = readCpuTicks();
  return () => {
    const steal = stealPercent(before, readCpuTicks());
    return steal === null ? null : round(steal);
  };
}
