/**
 * React view of a job's Y.Doc: a plain snapshot that is re-read after every update, local
 * or remote, so screens never hold stale copies of shared content.
 */
import { readJob, type JobContent } from '@outpost/shared';
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';

/** The job's content as plain data, refreshed on every doc update. */
export function useJobContent(doc: Y.Doc): JobContent {
  const [content, setContent] = useState(() => readJob(doc));
  useEffect(() => {
    const refresh = () => setContent(readJob(doc));
    refresh();
    doc.on('update', refresh);
    return () => doc.off('update', refresh);
  }, [doc]);
  return content;
}

/**
 * A fresh id (UUID v4) for a note, time entry or line item. `crypto.randomUUID` exists only
 * in secure contexts; a server reached over plain http on a site LAN still needs ids.
 */
export function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Now, as the ISO string the job doc stores. */
export function nowIso(): string {
  return new Date().toISOString();
}
