/**
 * Lists that show a little of many jobs (the technician's unread counts, the board's
 * last known positions) read it from the job docs on this device: each listed job is held
 * open, so what others write arrives over the relay as it happens, offline it shows what
 * the device has.
 */
import { startTransition, useEffect, useMemo, useState } from 'react';
import type { JobContent } from '@outpost/shared';
import type { JobHandle } from '../jobs/job-store';
import { JobView, type JobRootName } from '../jobs/job-view';
import { holdJobs, oncePerFrame } from './held-jobs';
import { useOutpost } from './context';

/** Some roots of one job, as plain data. */
export type JobDigest<K extends JobRootName> = Pick<JobContent, K>;

/**
 * Holds every job in `jobIds` open while mounted and returns the `roots` of each, by job
 * id, re-read when one of them changes (at most once per animation frame). Jobs open a few
 * at a time with the page given a turn between (`holdJobs`). A job not open yet is absent.
 */
export function useJobDigests<K extends JobRootName>(jobIds: readonly string[], roots: readonly K[]): ReadonlyMap<string, JobDigest<K>> {
  const engine = useOutpost();
  const [digests, setDigests] = useState<ReadonlyMap<string, JobDigest<K>>>(new Map());
  const idsKey = useMemo(() => [...jobIds].sort().join('\n'), [jobIds]);
  const rootsKey = roots.join(',');
  useEffect(() => {
    let live = true;
    const current = new Map<string, JobDigest<K>>();
    // Read through rootsKey: a new array with the same roots is the same digest.
    const roots = (rootsKey ? rootsKey.split(',') : []) as K[];
    const changed = new Set<JobHandle>();
    // Many jobs may report in one frame (opening, or a burst of edits): one state update for them all.
    const frame = oncePerFrame(() => {
      for (const handle of changed) {
        const view = JobView.of(handle.doc);
        const digest = {} as Record<K, unknown>;
        for (const root of roots) digest[root] = view.root(root).get();
        current.set(handle.jobId, digest as JobDigest<K>);
      }
      changed.clear();
      // A background update: what the person types or drags renders first.
      if (live) startTransition(() => setDigests(new Map(current)));
    });
    const release = holdJobs(
      engine,
      idsKey ? idsKey.split('\n') : [],
      (handle) => {
        const read = () => (changed.add(handle), frame.mark());
        const offs = roots.map((root) => JobView.of(handle.doc).root(root).subscribe(read));
        read();
        return () => offs.forEach((off) => off());
      },
      // A job the device cannot open is left out of the digest; its own screen shows why.
      { failed: (jobId, error) => console.warn(`job ${jobId} could not be opened for the list`, error) },
    );
    return () => {
      live = false;
      frame.cancel();
      release();
    };
  }, [engine, idsKey, rootsKey]);
  return digests;
}
