/**
 * Where a job sits on the schedule board: its lane (the technician on it, or "unassigned")
 * and its place on the time axis (today and tomorrow, working hours). Pure, so the board,
 * the drag and the keyboard all place and move jobs the same way.
 */

/** The lane of jobs nobody is on. */
export const UNASSIGNED = '__unassigned__';
/** First and last hour of each day on the axis. */
export const DAY_START_HOUR = 6;
export const DAY_END_HOUR = 20;
/** Moves snap to this many minutes. */
export const SNAP_MINUTES = 15;
const HOURS_PER_DAY = DAY_END_HOUR - DAY_START_HOUR;

/** The board's time axis: two working days side by side. */
export interface Axis {
  /** Local midnight of each day shown. */
  days: Date[];
  /** Total minutes the axis spans. */
  minutes: number;
}

/** Today and tomorrow, from local midnight of `now`. */
export function axisFor(now: Date): Axis {
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  const tomorrow = new Date(today);
  tomorrow.setDate(today.getDate() + 1);
  return { days: [today, tomorrow], minutes: 2 * HOURS_PER_DAY * 60 };
}

/** Axis minute of a moment, or null when it falls outside the days shown. */
export function axisMinute(axis: Axis, at: Date): number | null {
  for (let i = 0; i < axis.days.length; i++) {
    const sinceMidnight = (at.getTime() - axis.days[i]!.getTime()) / 60_000;
    if (sinceMidnight < 0 || sinceMidnight >= 24 * 60) continue;
    // Before the day's first hour or after its last clamps to the day's edge.
    return i * HOURS_PER_DAY * 60 + Math.min(Math.max(sinceMidnight - DAY_START_HOUR * 60, 0), HOURS_PER_DAY * 60);
  }
  return null;
}

/** The moment at an axis minute (the inverse of `axisMinute`): past a day's last hour is the next day's first. */
export function axisTime(axis: Axis, minute: number): Date {
  const perDay = HOURS_PER_DAY * 60;
  const clamped = Math.min(Math.max(minute, 0), axis.minutes);
  const day = Math.min(Math.floor(clamped / perDay), axis.days.length - 1);
  return new Date(axis.days[day]!.getTime() + (DAY_START_HOUR * 60 + clamped - day * perDay) * 60_000);
}

/**
 * Real minutes a job moves when dragged `axisMinutes` along the axis: a drag across the
 * boundary between the two days skips the night the axis leaves out.
 */
export function dragMinutes(axis: Axis, windowStart: string, axisMinutes: number): number {
  const from = axisMinute(axis, new Date(windowStart));
  if (from === null) return axisMinutes;
  return (axisTime(axis, from + axisMinutes).getTime() - Date.parse(windowStart)) / 60_000;
}

/** A job placed on the axis, as percentages of the track width. */
export interface Placement {
  left: number;
  width: number;
  /** The stacked row inside its lane (overlapping jobs stack). */
  row: number;
}

/** A job as the board places it. */
export interface Scheduled {
  id: string;
  windowStart: string;
  windowEnd: string;
  assignees: readonly string[];
}

/** The lanes a job shows in: each technician on it, or "unassigned". */
export function lanesOf(job: Scheduled): string[] {
  return job.assignees.length > 0 ? [...job.assignees] : [UNASSIGNED];
}

/**
 * The assignees of `jobs` that `named` (the technician list) leaves out, sorted: each still
 * needs a lane, or their jobs would be on no lane at all.
 */
export function unnamedAssignees(jobs: readonly Pick<Scheduled, 'assignees'>[], named: readonly { id: string }[]): string[] {
  const known = new Set(named.map((t) => t.id));
  return [...new Set(jobs.flatMap((j) => j.assignees))].filter((id) => !known.has(id)).sort();
}

/**
 * Places the jobs of one lane: left/width from the window, overlapping jobs on separate
 * rows. Jobs outside the axis are left out (the board counts them).
 */
export function placeLane(axis: Axis, jobs: readonly Scheduled[]): Map<string, Placement> {
  const placed = new Map<string, Placement>();
  const rowEnds: number[] = [];
  const spans = jobs
    .map((job) => ({ job, start: axisMinute(axis, new Date(job.windowStart)), end: axisMinute(axis, new Date(job.windowEnd)) }))
    .filter((s): s is { job: Scheduled; start: number; end: number } => s.start !== null)
    .map((s) => ({ ...s, end: Math.max(s.end ?? axis.minutes, s.start + SNAP_MINUTES) }))
    .sort((a, b) => a.start - b.start || a.job.id.localeCompare(b.job.id));
  for (const { job, start, end } of spans) {
    let row = rowEnds.findIndex((e) => e <= start);
    if (row === -1) row = rowEnds.push(end) - 1;
    else rowEnds[row] = end;
    placed.set(job.id, { left: (start / axis.minutes) * 100, width: ((end - start) / axis.minutes) * 100, row });
  }
  return placed;
}

/** The window moved by `minutes`, snapped; its length stays. */
export function shiftWindow(job: Pick<Scheduled, 'windowStart' | 'windowEnd'>, minutes: number): { windowStart: string; windowEnd: string } {
  const snapped = Math.round(minutes / SNAP_MINUTES) * SNAP_MINUTES;
  const move = (iso: string) => new Date(Date.parse(iso) + snapped * 60_000).toISOString();
  return { windowStart: move(job.windowStart), windowEnd: move(job.windowEnd) };
}

/**
 * The assignees after moving a job from lane `from` to lane `to`: the technician of `from`
 * is replaced by the one of `to`; onto "unassigned" clears it.
 */
export function reassign(assignees: readonly string[], from: string, to: string): string[] {
  if (to === UNASSIGNED) return [];
  const kept = assignees.filter((id) => id !== from && id !== to);
  return [...kept, to];
}
