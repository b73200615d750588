/**
 * One job on the schedule board: a block placed by its window and coloured by status.
 * Pointer drag (not HTML5 drag and drop, so a mouse, a pen, a finger and a test's
 * `page.mouse` all drive it): across lanes assigns, along the axis reschedules. Keys, on a
 * focused block: Shift+↑/↓ moves it to the lane above/below, Shift+←/→ moves it 15 minutes,
 * Enter opens it.
 */
import { STATUS_LABELS } from '@outpost/shared';
import { memo, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { DeskJob } from './desk-jobs';
import type { Placement } from './schedule';

/** How far the pointer must travel before a press becomes a drag. */
const DRAG_PX = 4;
/** Height of one block row inside a lane, in px. */
export const ROW_PX = 44;

/** A finished move of a block: the lane it was dropped on and the minutes it travelled. */
export interface BlockMove {
  jobId: string;
  fromLane: string;
  toLane: string;
  minutes: number;
  /** `axis`: minutes along the board's axis (a drag; skips the night); `clock`: real minutes (a key). */
  along: 'axis' | 'clock';
}

/** Props of {@link JobBlock}. */
export interface JobBlockProps {
  job: DeskJob;
  lane: string;
  place: Placement;
  /** Minutes per pixel of the track, read when a drag ends. */
  axisMinutes: number;
  selected: boolean;
  focus: boolean;
  onSelect(jobId: string): void;
  onMove(move: BlockMove): void;
  /** Lane next to `lane` (-1 above, +1 below), or null at the edge. */
  neighbour(lane: string, step: -1 | 1): string | null;
}

// One formatter for every block: `toLocaleTimeString` builds a new one per call, and a board
// of 200 blocks formats 600 times.
const HOUR_MINUTE = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });

function time(iso: string): string {
  return HOUR_MINUTE.format(new Date(iso));
}

/** The lane under the pointer, looking past the dragged block itself (it sits under the pointer). */
function laneUnder(x: number, y: number, dragged: Element | null): string | null {
  for (const el of document.elementsFromPoint(x, y)) {
    if (dragged?.contains(el)) continue;
    const lane = (el as HTMLElement).closest?.('[data-lane]');
    if (lane) return lane.getAttribute('data-lane');
  }
  return null;
}

function JobBlockView({ job, lane, place, axisMinutes, selected, focus, onSelect, onMove, neighbour }: JobBlockProps) {
  const ref = useRef<HTMLButtonElement>(null);
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  // The click that ends a drag is not a selection.
  const dragged = useRef(false);
  const [offset, setOffset] = useState<{ dx: number; dy: number } | null>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);

  const down = (e: PointerEvent<HTMLButtonElement>) => {
    if (e.button !== 0) return;
    drag.current = { x: e.clientX, y: e.clientY, moved: false };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const move = (e: PointerEvent<HTMLButtonElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < DRAG_PX) return;
    d.moved = true;
    setOffset({ dx, dy });
  };
  const up = (e: PointerEvent<HTMLButtonElement>) => {
    const d = drag.current;
    drag.current = null;
    setOffset(null);
    if (!d?.moved) return;
    dragged.current = true;
    const track = ref.current?.parentElement?.getBoundingClientRect();
    const minutes = track && track.width > 0 ? ((e.clientX - d.x) / track.width) * axisMinutes : 0;
    onMove({ jobId: job.id, fromLane: lane, toLane: laneUnder(e.clientX, e.clientY, ref.current) ?? lane, minutes, along: 'axis' });
  };
  const key = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (!e.shiftKey) return;
    const step = { ArrowUp: -1, ArrowDown: 1 }[e.key] as -1 | 1 | undefined;
    const minutes = { ArrowLeft: -15, ArrowRight: 15 }[e.key];
    if (step) {
      const to = neighbour(lane, step);
      if (to) onMove({ jobId: job.id, fromLane: lane, toLane: to, minutes: 0, along: 'clock' });
    } else if (minutes) onMove({ jobId: job.id, fromLane: lane, toLane: lane, minutes, along: 'clock' });
    else return;
    e.preventDefault();
  };

  return (
    <button
      ref={ref}
      type="button"
      className={`block status-${job.status}${selected ? ' selected' : ''}${offset ? ' dragging' : ''}${job.waiting ? ' waiting' : ''}`}
      style={{
        left: `${place.left}%`,
        width: `${place.width}%`,
        top: place.row * ROW_PX + 2,
        transform: offset ? `translate(${offset.dx}px, ${offset.dy}px)` : undefined,
      }}
      data-testid="desk-block"
      data-job-id={job.id}
      data-status={job.status}
      aria-label={`${job.title}, ${STATUS_LABELS[job.status]}, ${time(job.windowStart)}–${time(job.windowEnd)}`}
      aria-pressed={selected}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={() => ((drag.current = null), setOffset(null))}
      onClick={() => (dragged.current ? (dragged.current = false) : onSelect(job.id))}
      onKeyDown={key}
    >
      <strong>
        {job.unread ? (
          <span className="block-unread" data-testid="unread" aria-label={`${job.unread} unread`}>
            {job.unread} ✉{' '}
          </span>
        ) : null}
        {job.title}
      </strong>
      <span className="block-sub">
        {time(job.windowStart)} · {STATUS_LABELS[job.status]}
        {job.waiting ? ' · waiting' : ''}
        {job.onJob ? (
          <span className="block-here" data-testid="on-job">
            {' '}
            ● {job.onJob}
          </span>
        ) : null}
      </span>
    </button>
  );
}

function same(a: JobBlockProps, b: JobBlockProps): boolean {
  const keys = ['id', 'title', 'status', 'windowStart', 'windowEnd', 'waiting', 'unread', 'onJob'] as const;
  return (
    keys.every((k) => a.job[k] === b.job[k]) &&
    a.place.left === b.place.left &&
    a.place.width === b.place.width &&
    a.place.row === b.place.row &&
    a.lane === b.lane &&
    a.selected === b.selected &&
    a.focus === b.focus &&
    a.axisMinutes === b.axisMinutes &&
    a.onSelect === b.onSelect &&
    a.onMove === b.onMove &&
    a.neighbour === b.neighbour
  );
}

/** A job block; memoised by what it shows, so a live update re-renders only the blocks it changed. */
export const JobBlock = memo(JobBlockView, same);
