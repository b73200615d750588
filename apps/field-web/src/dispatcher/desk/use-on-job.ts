/**
 * Who is in each job right now (presence), for the blocks of the schedule board: the jobs
 * are held open (the same handles the board's digests hold, reference-counted, opened a
 * few at a time by `holdJobs`), and each job's awareness tells when someone comes or goes —
 * no polling. Changes are read at most once per animation frame.
 */
import { holdJobs, oncePerFrame, peersOf, useOutpost } from '@outpost/client/react';
import { startTransition, useEffect, useMemo, useState } from 'react';

/** First names of the people with each job's screen open besides this device, by job id (absent: nobody). */
export function useOnJob(jobIds: readonly string[]): ReadonlyMap<string, string> {
  const engine = useOutpost();
  const [onJob, setOnJob] = useState<ReadonlyMap<string, string>>(new Map());
  const idsKey = useMemo(() => [...jobIds].sort().join('\n'), [jobIds]);
  useEffect(() => {
    let live = true;
    const current = new Map<string, string>();
    let changed = false;
    const frame = oncePerFrame(() => {
      if (live && changed) startTransition(() => setOnJob(new Map(current)));
      changed = false;
    });
    const release = holdJobs(engine, idsKey ? idsKey.split('\n') : [], (handle) => {
      const read = () => {
        const names = [
          ...new Set(
            peersOf(handle.awareness)
              .filter((p) => p.onScreen)
              .map((p) => p.user.name.split(' ')[0]),
          ),
        ].join(', ');
        if ((current.get(handle.jobId) ?? '') === names) return;
        if (names) current.set(handle.jobId, names);
        else current.delete(handle.jobId);
        changed = true;
        frame.mark();
      };
      handle.awareness.on('change', read);
      read();
      return () => handle.awareness.off('change', read);
    });
    // A job the device cannot open just shows nobody: the digests report it.
    return () => {
      live = false;
      frame.cancel();
      release();
    };
  }, [engine, idsKey]);
  return onJob;
}
