/**
 * Who is in each job right now (presence), for the blocks of the schedule board: the jobs
 * are held open (the same handles the board's digests hold, reference-counted), and each
 * job's awareness tells when someone comes or goes — no polling.
 */
import { peersOf, useOutpost } from '@outpost/client/react';
import { useEffect, useState } from 'react';

/** First names of the people with each job's screen open besides this device, by job id (absent: nobody). */
export function useOnJob(jobIds: readonly string[]): ReadonlyMap<string, string> {
  const engine = useOutpost();
  const [onJob, setOnJob] = useState<ReadonlyMap<string, string>>(new Map());
  const idsKey = [...jobIds].sort().join('\n');
  useEffect(() => {
    let live = true;
    const current = new Map<string, string>();
    const cleanups: (() => void)[] = [];
    for (const jobId of idsKey ? idsKey.split('\n') : []) {
      engine.openJob(jobId).then(
        (handle) => {
          if (!live) return handle.close();
          const read = () => {
            const names = [...new Set(peersOf(handle.awareness).filter((p) => p.onScreen).map((p) => p.user.name.split(' ')[0]))].join(', ');
            if ((current.get(jobId) ?? '') === names) return;
            if (names) current.set(jobId, names);
            else current.delete(jobId);
            if (live) setOnJob(new Map(current));
          };
          handle.awareness.on('change', read);
          read();
          cleanups.push(() => handle.awareness.off('change', read), () => handle.close());
        },
        // The digests report a job the device cannot open; presence just shows nobody.
        () => undefined,
      );
    }
    return () => {
      live = false;
      cleanups.forEach((c) => c());
    };
  }, [engine, idsKey]);
  return onJob;
}
