/**
 * React hooks over the engine. State that lives in the engine is read with
 * useSyncExternalStore, so every component sees the same value in the same render. A job
 * is read per root (JobView): a keystroke in a note re-reads the notes, once, for every
 * component showing them.
 */
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { JobContent, Role } from '@outpost/shared';
import type { JobAccess } from '../handover/job-access';
import type { JobHandle } from '../jobs/job-store';
import { JobView, type JobRootName } from '../jobs/job-view';
import type { Watchable } from '../observable';
import type { OutboxApi } from '../outbox/outbox-actions';
import type { OutboxLists } from '../outbox/outbox';
import type { PrimingState } from '../priming/priming';
import type { SyncStatus } from '../sync/sync-status';
import { useOutpost } from './context';

function useWatchable<T>(w: Watchable<T>): T {
  return useSyncExternalStore(w.subscribe, w.get, w.get);
}

/** Holds a job open while the component is mounted. */
function useJobHandle(jobId: string): JobHandle | null {
  const engine = useOutpost();
  const [handle, setHandle] = useState<JobHandle | null>(null);
  useEffect(() => {
    let live = true;
    let opened: JobHandle | null = null;
    void engine.openJob(jobId).then((h) => {
      if (!live) return h.close();
      opened = h;
      setHandle(h);
    });
    return () => {
      live = false;
      opened?.close();
      // The closed handle is never shown: another job is null until its own opens.
      setHandle(null);
    };
  }, [engine, jobId]);
  return handle;
}

/** An open job with a live plain snapshot. */
export interface LiveJob {
  doc: Y.Doc;
  awareness: Awareness;
  /** The job as plain data, refreshed on every change (only the changed roots are read again). */
  job: JobContent;
  synced: boolean;
  /** Set while the relay refuses the job, with the reason to show (e.g. "This job is full…"). */
  refused: { code: number; reason: string } | null;
  /** Targets of this device's changes the server does not hold yet (`messages/<id>`…): see {@link messageState}. */
  unsent: readonly string[];
}

/** A message's delivery as its sender sees it: `sent` only once the server holds it (durable ack). */
export function messageState(messageId: string, unsent: readonly string[]): 'pending' | 'sent' {
  return unsent.includes(`messages/${messageId}`) ? 'pending' : 'sent';
}

const NO_JOB: Watchable<null> = { get: () => null, subscribe: () => () => undefined };
const NONE: readonly string[] = Object.freeze([]);
// get() must return the same value each time (useSyncExternalStore re-renders on a new one).
const NOTHING_UNSENT: Watchable<readonly string[]> = { get: () => NONE, subscribe: () => () => undefined };

/** Opens a job for as long as the component is mounted; null while it loads from the device. */
export function useJob(jobId: string): LiveJob | null {
  const handle = useJobHandle(jobId);
  const job = useWatchable<JobContent | null>(useMemo(() => (handle ? JobView.of(handle.doc) : NO_JOB), [handle]));
  // `synced` flips on (re)connects: the job tells its holders (no polling).
  const onSynced = useCallback((listener: () => void) => (handle ? handle.onSynced(listener) : () => undefined), [handle]);
  const readSynced = () => handle?.synced ?? false;
  const synced = useSyncExternalStore(onSynced, readSynced, readSynced);
  const unsent = useWatchable(handle?.unsent ?? NOTHING_UNSENT);
  if (!handle || !job) return null;
  // A refusal closes the job's socket, which `onSynced` reports: `refused` is read on that render.
  return { doc: handle.doc, awareness: handle.awareness, job, synced, unsent, refused: handle.refused };
}

/**
 * One root of a job doc as plain data (`readJob(doc)[root]`), re-rendering only when
 * something under that root changed; every component showing the root shares one read.
 */
export function useJobRoot<K extends JobRootName>(doc: Y.Doc, root: K): JobContent[K] {
  return useWatchable(useMemo(() => JobView.of(doc).root(root), [doc, root]));
}

/** The sync status line. */
export function useSyncStatus(): SyncStatus {
  return useWatchable(useOutpost().status);
}

/** The outbox lists with the per-item actions (bound, safe to pass as callbacks). */
export function useOutbox(): OutboxLists & Pick<OutboxApi, 'retry' | 'discard' | 'keepMine' | 'keepServers'> {
  const outbox = useOutpost().outbox;
  const lists = useWatchable(outbox);
  return useMemo(
    () => ({
      ...lists,
      retry: (opId: string) => outbox.retry(opId),
      discard: (opId: string) => outbox.discard(opId),
      keepMine: (opId: string) => outbox.keepMine(opId),
      keepServers: (opId: string) => outbox.keepServers(opId),
    }),
    [lists, outbox],
  );
}

/** Someone else in the job. `user` is stamped by the server from their token. */
export interface JobPeer {
  clientId: number;
  user: { id: string; name: string; role: Role };
  editingNoteId: string | null;
  /** True while they have the job's screen open (not just the job held for a list). */
  onScreen: boolean;
}

/** What this person tells the others. */
export interface LocalPresence {
  editingNoteId?: string | null;
  /** Set while the job's own screen is open: lists and boards hold jobs open too. */
  onScreen?: boolean | null;
}

/** Who else is in the job and which note they are editing; and how to say what I am doing. */
export function usePresence(jobId: string): { others: JobPeer[]; setLocalPresence(p: LocalPresence): void } {
  const handle = useJobHandle(jobId);
  const [others, setOthers] = useState<JobPeer[]>([]);
  useEffect(() => {
    if (!handle) return;
    const read = () => setOthers(peersOf(handle.awareness));
    read();
    handle.awareness.on('change', read);
    return () => handle.awareness.off('change', read);
  }, [handle]);
  const setLocalPresence = useMemo(
    () => (p: LocalPresence) => {
      if (!handle) return;
      for (const [key, value] of Object.entries(p)) handle.awareness.setLocalStateField(key, value ?? null);
    },
    [handle],
  );
  return { others, setLocalPresence };
}

/** The peers in an awareness instance, without this client and without unstamped states. */
export function peersOf(awareness: Awareness): JobPeer[] {
  const peers: JobPeer[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId === awareness.clientID) continue;
    const s = state as { user?: JobPeer['user']; editingNoteId?: string | null; onScreen?: boolean | null };
    if (s.user) peers.push({ clientId, user: s.user, editingNoteId: s.editingNoteId ?? null, onScreen: s.onScreen === true });
  }
  return peers;
}

/** The priming cache state, and `prime()` to refresh it. */
export function usePriming(): PrimingState & { prime(): Promise<PrimingState> } {
  const priming = useOutpost().priming;
  const state = useWatchable(priming);
  return useMemo(() => ({ ...state, prime: () => priming.prime() }), [state, priming]);
}

/** Jobs the signed-in person may no longer write (taken off them, gone), with what became of their work. */
export function useJobAccessList(): JobAccess[] {
  const engine = useOutpost();
  const all = useWatchable(engine.access);
  const userId = engine.user?.id;
  return useMemo(() => all.filter((a) => a.userId === userId), [all, userId]);
}

/** Why the signed-in person may no longer write this job, or null while they may. */
export function useJobAccess(jobId: string): JobAccess | null {
  return useJobAccessList().find((a) => a.jobId === jobId) ?? null;
}
