/**
 * Priming: before a technician drives out of coverage, the device fetches the jobs
 * assigned for today and tomorrow, their customers and equipment, the pricebook, and each
 * job's doc, and verifies the lot against the server's manifest. The cache says when it
 * was last primed and whether it is complete.
 */
import type { Customer, Equipment, JobSummary, PricebookItem } from '@outpost/shared';
import { Observable, type Watchable } from '../observable';
import type { Api } from '../sync/api';
import type { DeviceStorage } from '../storage/device-storage';
import { sha256Hex } from '../ids/device-crypto';

export type { Customer, Equipment, JobSummary, PricebookItem };

/** What the app shows about the cache. */
export interface PrimingState {
  primedAt: string | null;
  complete: boolean;
  running: boolean;
  error: string | null;
  counts: { jobs: number; customers: number; equipment: number; pricebook: number };
}

interface MyJobs {
  generatedAt: string;
  jobs: JobSummary[];
  customers: Customer[];
  equipment: Equipment[];
  manifest: { jobs: number; customers: number; equipment: number; hash: string };
}

/** Re-prime on reconnect when the cache is older than this. */
export const PRIMING_STALE_MS = 10 * 60_000;

const INITIAL: PrimingState = {
  primedAt: null, complete: false, running: false, error: null, counts: { jobs: 0, customers: 0, equipment: 0, pricebook: 0 },
};

/** The priming cache of one device. */
export class Priming implements Watchable<PrimingState> {
  private readonly state = new Observable<PrimingState>(INITIAL);
  private running: Promise<PrimingState> | null = null;

  constructor(
    private readonly db: DeviceStorage,
    private readonly api: Api,
    /** Syncs one job doc into device storage; resolves true once the server's state is merged. */
    private readonly syncJobDoc: (jobId: string) => Promise<boolean>,
    private readonly changed: () => void,
    private readonly maxAgeMs = PRIMING_STALE_MS,
  ) {}

  get = (): PrimingState => this.state.get();
  subscribe = (listener: (s: PrimingState) => void): (() => void) => this.state.subscribe(listener);

  /** Loads the saved state (after a restart or another tab primed). */
  async reload(): Promise<PrimingState> {
    const saved = await this.db.get<PrimingState>('priming', 'state');
    if (saved) this.state.set({ ...saved, running: this.running !== null });
    return this.state.get();
  }

  /** True when the cache is missing, incomplete or older than its maximum age. */
  isStale(now = Date.now()): boolean {
    const at = this.state.get().primedAt;
    return !at || now - Date.parse(at) >= this.maxAgeMs || !this.state.get().complete;
  }

  /** Fetches and verifies everything; one run at a time. */
  prime(): Promise<PrimingState> {
    return this.start();
  }

  /**
   * Primes again only if the server's list of this device's jobs (with their customers and
   * equipment) changed since the last priming: a job just assigned or taken away, or
   * rescheduled. Otherwise it costs one small request. For polling while online.
   */
  async refresh(): Promise<PrimingState> {
    if (this.running) return this.running;
    const mine = await this.api.call<MyJobs>('GET', '/api/me/jobs?days=2');
    const primed = await this.db.get<string>('priming', 'manifest');
    if (primed === mine.manifest.hash && this.state.get().complete) return this.state.get();
    return this.start(mine);
  }

  /** One run at a time; `mine` is a job list already fetched. */
  private start(mine?: MyJobs): Promise<PrimingState> {
    this.running ??= this.run(mine).finally(() => (this.running = null));
    return this.running;
  }

  /** Cached jobs for today and tomorrow. */
  async jobs(): Promise<JobSummary[]> {
    return (await this.db.get<JobSummary[]>('priming', 'jobs')) ?? [];
  }
  /** Cached customers. */
  async customers(): Promise<Customer[]> {
    return (await this.db.get<Customer[]>('priming', 'customers')) ?? [];
  }
  /** Cached equipment, optionally for one job. */
  async equipment(jobId?: string): Promise<Equipment[]> {
    const all = (await this.db.get<Equipment[]>('priming', 'equipment')) ?? [];
    return jobId === undefined ? all : all.filter((e) => e.jobIds.includes(jobId));
  }
  /** Cached pricebook. */
  async pricebook(): Promise<PricebookItem[]> {
    return (await this.db.get<PricebookItem[]>('priming', 'pricebook')) ?? [];
  }

  private async run(fetched?: MyJobs): Promise<PrimingState> {
    this.state.set({ ...this.state.get(), running: true, error: null });
    try {
      const mine = fetched ?? (await this.api.call<MyJobs>('GET', '/api/me/jobs?days=2'));
      const { jobs, customers, equipment, manifest } = mine;
      const hash = await sha256Hex(new TextEncoder().encode(JSON.stringify({ jobs, customers, equipment })));
      const verified =
        hash === manifest.hash && manifest.jobs === jobs.length && manifest.customers === customers.length &&
        manifest.equipment === equipment.length;
      const book = await this.api.call<{ items: PricebookItem[]; hash: string }>('GET', '/api/pricebook');
      const bookVerified = (await sha256Hex(new TextEncoder().encode(JSON.stringify(book.items)))) === book.hash;
      await this.db.put('priming', 'jobs', jobs);
      await this.db.put('priming', 'customers', customers);
      await this.db.put('priming', 'equipment', equipment);
      await this.db.put('priming', 'pricebook', book.items);
      const docs = await Promise.all(jobs.map((j) => this.syncJobDoc(j.id).catch(() => false)));
      const complete = verified && bookVerified && docs.every(Boolean);
      const error = !verified
        ? 'The job list did not match the server manifest.'
        : !bookVerified
          ? 'The pricebook did not match its hash.'
          : complete
            ? null
            : 'Some job documents could not be fetched.';
      const state: PrimingState = {
        primedAt: new Date().toISOString(),
        complete,
        running: false,
        error,
        counts: { jobs: jobs.length, customers: customers.length, equipment: equipment.length, pricebook: book.items.length },
      };
      await this.db.put('priming', 'state', state);
      await this.db.put('priming', 'manifest', manifest.hash);
      this.state.set(state);
      this.changed();
    } catch (err) {
      this.state.set({ ...this.state.get(), running: false, error: (err as Error).message });
    }
    return this.state.get();
  }
}
