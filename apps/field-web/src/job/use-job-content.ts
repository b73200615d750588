/**
 * Helpers for the job's sections. Each section reads its own root of the job doc with
 * `useJobRoot(doc, root)` from `@outpost/client/react`: re-read only when that root
 * changed, and shared with every other part of the screen showing it.
 */
import { newUuid } from '@outpost/client';

/** A fresh id (UUID v4) for a note, time entry or line item; works over plain http too. */
export const newId = newUuid;

/** Now, as the ISO string the job doc stores. */
export function nowIso(): string {
  return new Date().toISOString();
}
