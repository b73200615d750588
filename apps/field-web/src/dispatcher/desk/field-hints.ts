/**
 * What the field work (messages, requests, last known positions) adds to the board's data,
 * read defensively: the board shows it when the server sends it and nothing when not.
 */

/** "Near 12 Elm St · 4 min ago" for a technician whose last known position the server sent. */
export function positionHint(technician: object, now: number): string | undefined {
  const p = (technician as { position?: { at?: string; label?: string; lat?: number; lng?: number } }).position;
  if (!p?.at) return undefined;
  const minutes = Math.max(0, Math.round((now - Date.parse(p.at)) / 60_000));
  const where = p.label ?? (p.lat !== undefined && p.lng !== undefined ? `${p.lat.toFixed(3)}, ${p.lng.toFixed(3)}` : 'position');
  return `${where} · ${minutes < 1 ? 'just now' : `${minutes} min ago`}`;
}

/** Unread messages on a job, when the server counts them. */
export function unreadOf(job: object): number {
  const n = (job as { unread?: unknown }).unread;
  return typeof n === 'number' ? n : 0;
}

/** Whether a job is a request from the field awaiting the office. */
export function isRequest(job: { status: string }): boolean {
  return job.status === 'requested';
}
