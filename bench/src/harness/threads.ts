/**
 * CPU time per thread of a server process (Linux `/proc/<pid>/task/<tid>/stat`), so a step
 * whose event loop stalled without a long task can show whether another thread of the
 * process (a worker: Outpost's log writer and WAL checkpointer; V8's or libuv's helpers)
 * held the one core meanwhile. The main thread is the one whose id is the process id.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Cumulative CPU ticks (user + system) by thread id. */
export type ThreadTicks = Map<number, { name: string; ticks: number }>;

/** The name and CPU ticks in one `/proc/…/task/<tid>/stat` line; null when unreadable. */
export function parseThreadStat(line: string): { name: string; ticks: number } | null {
  // The name is in parentheses and may hold spaces; the fields after it start with the state.
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = line.slice(close + 2).split(' ');
  // After the name: state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15).
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return { name: line.slice(open + 1, close), ticks: utime + stime };
}

/** CPU ticks (user + system, 100 per second) process `pid` has used so far, all its threads. */
export function processCpuTicks(pid: number): number {
  return parseThreadStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.ticks ?? NaN;
}

/** The threads of process `pid` now (empty off Linux or once it exited). */
export function readThreadTicks(pid: number): ThreadTicks {
  const out: ThreadTicks = new Map();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const parsed = parseThreadStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      if (parsed) out.set(Number(tid), parsed);
    }
  } catch {
    // Not Linux, or the process is gone: no threads to report.
  }
  return out;
}

/** Share of one core each thread used between two readings over `ms`, busiest first, main thread marked. */
export function threadShares(
  pid: number,
  before: ThreadTicks,
  after: ThreadTicks,
  ms: number,
  ticksPerSecond = 100,
): { tid: number; name: string; main: boolean; percent: number }[] {
  const out = [...after].map(([tid, t]) => ({
    tid,
    name: t.name,
    main: tid === pid,
    percent: ms > 0 ? (100 * (t.ticks - (before.get(tid)?.ticks ?? 0)) * 1000) / ticksPerSecond / ms : 0,
  }));
  return out.filter((t) => t.percent > 0).sort((a, b) => b.percent - a.percent);
}
