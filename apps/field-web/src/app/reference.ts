/**
 * Reference data cached on the device by priming (jobs, customers, equipment, pricebook),
 * read through the engine and refreshed whenever a priming run finishes.
 */
import { useOutpost, usePriming } from '@outpost/client/react';
import type { JobStatus } from '@outpost/shared';
import { useEffect, useState } from 'react';
import type { PricebookItem } from '../job/LineItemsSection';

/** A job as the priming manifest and the board list it. */
export interface JobSummary {
  id: string;
  title: string;
  customerId: string;
  siteAddress: string;
  windowStart: string;
  windowEnd: string;
  status: JobStatus;
  version: number;
  assignees: string[];
}

/** A customer. */
export interface Customer {
  id: string;
  name: string;
  phone: string;
  email: string;
  address: string;
}

/** A piece of equipment at a customer's site. */
export interface Equipment {
  id: string;
  customerId: string;
  jobIds: string[];
  kind: string;
  make: string;
  model: string;
  serial: string;
  refrigerant: string;
}

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
        if (live) setReference({ jobs, customers, equipment, pricebook } as PrimedReference);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [engine, priming.primedAt, priming.running]);
  return reference;
}
