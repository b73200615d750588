/**
 * Lists that show a little of many jobs (the technician's unread counts, the board's
 * last known positions) read it from the job docs on this device: each listed job is held
 * open, so what others write arrives over the relay as it happens, offline it shows what
 * the device has.
 */
import { useEffect, useState } from 'react';
import type { JobContent } from '@outpost/shared';
import type { JobHandle } from '../jobs/job-store';
import { JobView, type JobRootName } from '../jobs/job-view';
import { useOutpost } from './context';

/** Some roots of one job, as plain data. */
export type JobDigest<K extends JobRootName> = Pick<JobContent, K>;

/**
 * Holds every job in `jobIds` open while mounted and returns the `roots` of each, by job
 * id, re-read when one of them changes. A job still loading from the device is absent.
 */
export function useJobDigests<K extends JobRootName>(jobIds: readonly string[], roots: readonly K[]): ReadonlyMap<string, JobDigest<K>> {
  const engine = useOutpost();
  const [digests, setDigests] = useState<ReadonlyMap<string, JobDigest<K>>>(new Map());
  const idsKey = [...jobIds].sort().join('\n');
  const rootsKey = roots.join(',');
  useEffect(() => {
    let live = true;
    const handles: JobHandle[] = [];
    const offs: (() => void)[] = [];
    const current = new Map<string, JobDigest<K>>();
    // Read through rootsKey: a new array with the same roots is the same digest.
    const roots = (rootsKey ? rootsKey.split(',') : []) as K[];
    const read = (handle: JobHandle) => {
      const view = JobView.of(handle.doc);
      const digest = {} as Record<K, unknown>;
      for (const root of roots) digest[root] = view.root(root).get();
      current.set(handle.jobId, digest as JobDigest<K>);
      if (live) setDigests(new Map(current));
    };
    for (const jobId of idsKey ? idsKey.split('\n') : []) {
      engine.openJob(jobId).then(
        (handle) => {
          if (!live) return handle.close();
          handles.push(handle);
          for (const root of roots) offs.push(JobView.of(handle.doc).root(root).subscribe(() => read(handle)));
          read(handle);
        },
        // A job the device cannot open is left out of the digest; its own screen shows why.
        (error: unknown) => console.warn(`job ${jobId} could not be opened for the list`, error),
      );
    }
    return () => {
      live = false;
      offs.forEach((off) => off());
      handles.forEach((h) => h.close());
    };
  }, [engine, idsKey, rootsKey]);
  return digests;
}
