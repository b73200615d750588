/**
 * React view of a job's Y.Doc: a plain snapshot that is re-read after every update, local
 * or remote, so screens never hold stale copies of shared content.
 */
import { newUuid } from '@outpost/client';
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

/** A fresh id (UUID v4) for a note, time entry or line item; works over plain http too. */
export const newId = newUuid;

/** Now, as the ISO string the job doc stores. */
export function nowIso(): string {
  return new Date().toISOString();
}
