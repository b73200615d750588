/**
 * Reference data cached on the device by priming (jobs, customers, equipment, pricebook),
 * read through the engine and refreshed whenever a priming run finishes or a pushed
 * reference change (a customer, equipment, the pricebook) was read into the cache.
 */
import type { Customer, Equipment, JobSummary as PrimedJob, PricebookItem } from '@outpost/client';
import { useOutpost, usePriming } from '@outpost/client/react';
import type { JobStatus } from '@outpost/shared';
import { useEffect, useState } from 'react';

/** A job as the priming manifest and the board list it, its status narrowed to the machine's. */
export interface JobSummary extends Omit<PrimedJob, 'status'> {
  status: JobStatus;
}

export type { Customer, Equipment, PricebookItem };

/** Everything primed on this device, or empty lists before the first priming. */
export interface PrimedReference {
  jobs: JobSummary[];
  customers: Customer[];
  equipment: Equipment[];
  pricebook: PricebookItem[];
}

const EMPTY: PrimedReference = { jobs: [], customers: [], equipment: [], pricebook: [] };

/** The primed reference data, reloaded after each priming run. */
export function usePrimedReference(): PrimedReference {
  const engine = useOutpost();
  const priming = usePriming();
  const [reference, setReference] = useState<PrimedReference>(EMPTY);
  useEffect(() => {
    let live = true;
    void Promise.all([engine.priming.jobs(), engine.priming.customers(), engine.priming.equipment(), engine.priming.pricebook()]).then(
      ([jobs, customers, equipment, pricebook]) => {
        // Statuses in the cache were written by the server's status machine.
        if (live) setReference({ jobs, customers, equipment, pricebook } as PrimedReference);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [engine, priming.primedAt, priming.running, priming.referenceAt]);
  return reference;
}
