/**
 * Priming: before a technician drives out of coverage, the device fetches the jobs
 * assigned for today and tomorrow, their customers and equipment, the pricebook, and each
 * job's doc, and verifies the lot against the server's manifest. The cache says when it
 * was last primed and whether it is complete, and while a run downloads job docs, how many
 * are done. A run the server could not answer (no answer, 5xx, 429) is tried again on the
 * retry schedule (sync/retry-schedule.ts); a refusal is left for the next reason to prime.
 */
import { OutpostError, type Customer, type Equipment, type JobSummary, type PricebookItem, type PrimingManifest, type ReferenceChanged } from '@outpost/shared';
import { failureAfter, type AttemptFailure } from '../sync/retry-schedule';
import { Observable, type Watchable } from '../observable';
import type { ServerHttp } from '../sync/server-http';
import type { DeviceStorage } from '../storage/device-storage';
import { sha256Hex } from '../ids/device-crypto';
import { rereadPricebook, rereadReference } from './reference-reread';

export type { Customer, Equipment, JobSummary, PricebookItem };

/** What the app shows about the cache. */
export interface PrimingState {
  primedAt: string | null;
  complete: boolean;
  running: boolean;
  error: string | null;
  counts: { jobs: number; customers: number; equipment: number; pricebook: number };
  /** While a run downloads job docs: how many of how many are on the device. */
  progress?: { done: number; total: number } | null;
  /** Why the last run failed, and when it is retried (transient only). */
  failure?: AttemptFailure | null;
  /** When a pushed reference change (a customer, equipment, the pricebook) was last read into the cache. */
  referenceAt?: string | null;
}

interface MyJobs {
  generatedAt: string;
  jobs: JobSummary[];
  customers: Customer[];
  equipment: Equipment[];
  manifest: PrimingManifest;
}

/**
 * Job docs synced at the same time by a priming run. A dispatcher primes every job of two
 * days (hundreds): opening them all at once (a device database each, a subscription each,
 * the server's answers arriving together) held the page's main thread for seconds.
 */
export const PRIMING_DOCS_AT_ONCE = 4;

/** Re-prime on reconnect when the cache is older than this. */
export const PRIMING_STALE_MS = 10 * 60_000;

const INITIAL: PrimingState = {
  primedAt: null,
  complete: false,
  running: false,
  error: null,
  counts: { jobs: 0, customers: 0, equipment: 0, pricebook: 0 },
};

/** The priming cache of one device. */
export class Priming implements Watchable<PrimingState> {
  private readonly state = new Observable<PrimingState>(INITIAL);
  private running: Promise<PrimingState> | null = null;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Pushed reference changes, applied one at a time. */
  private pushes: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: DeviceStorage,
    private readonly api: ServerHttp,
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
   * rescheduled; re-reads only the pricebook when only its version moved. Otherwise it
   * costs one small request. For a push about a job, and after a reconnect (pushes missed).
   */
  async refresh(): Promise<PrimingState> {
    if (this.running) return this.running;
    const mine = await this.api.call<MyJobs>('GET', '/api/me/jobs?days=2');
    const primed = await this.db.get<string>('priming', 'manifest');
    if (primed !== mine.manifest.hash || !this.state.get().complete) return this.start(mine);
    const book = mine.manifest.pricebook;
    if (book !== undefined && book !== (await this.db.get<string>('priming', 'pricebookVersion'))) {
      await this.applied(() => rereadPricebook(this.db, this.api));
    }
    return this.state.get();
  }

  /**
   * The server pushed a reference change: re-reads just that record (after any priming run
   * in flight, one change at a time). Rejects when the server could not answer.
   */
  applyPush(change: ReferenceChanged): Promise<boolean> {
    const next = this.pushes.then(async () => {
      await this.running;
      return this.applied(() => rereadReference(this.db, this.api, change));
    });
    this.pushes = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  /** Runs a re-read of part of the cache and, if it changed anything, tells the app. */
  private async applied(reread: () => Promise<boolean>): Promise<boolean> {
    if (!(await reread())) return false;
    const [customers, equipment, pricebook] = await Promise.all([this.customers(), this.equipment(), this.pricebook()]);
    const state: PrimingState = {
      ...this.state.get(),
      referenceAt: new Date().toISOString(),
      counts: { ...this.state.get().counts, customers: customers.length, equipment: equipment.length, pricebook: pricebook.length },
    };
    await this.db.put('priming', 'state', { ...state, running: false });
    this.state.set(state);
    this.changed();
    return true;
  }

  /** One run at a time; `mine` is a job list already fetched. */
  private start(mine?: MyJobs): Promise<PrimingState> {
    this.running ??= this.run(mine).finally(() => (this.running = null));
    return this.running;
  }

  /** Stops a scheduled retry (engine destroyed). */
  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
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
    this.stop();
    this.state.set({ ...this.state.get(), running: true, error: null, progress: null });
    try {
      const mine = fetched ?? (await this.api.call<MyJobs>('GET', '/api/me/jobs?days=2'));
      const { jobs, customers, equipment, manifest } = mine;
      const hash = await sha256Hex(new TextEncoder().encode(JSON.stringify({ jobs, customers, equipment })));
      const verified = hash === manifest.hash && manifest.jobs === jobs.length && manifest.customers === customers.length && manifest.equipment === equipment.length;
      const book = await this.api.call<{ items: PricebookItem[]; hash: string }>('GET', '/api/pricebook');
      const bookVerified = (await sha256Hex(new TextEncoder().encode(JSON.stringify(book.items)))) === book.hash;
      await this.db.put('priming', 'jobs', jobs);
      await this.db.put('priming', 'customers', customers);
      await this.db.put('priming', 'equipment', equipment);
      await this.db.put('priming', 'pricebook', book.items);
      await this.db.put('priming', 'pricebookVersion', bookVerified ? book.hash : null);
      let done = 0;
      this.state.set({ ...this.state.get(), progress: { done, total: jobs.length } });
      const docs = await inTurns(jobs, PRIMING_DOCS_AT_ONCE, async (j) => {
        const ok = await this.syncJobDoc(j.id).catch(() => false);
        this.state.set({ ...this.state.get(), progress: { done: ++done, total: jobs.length } });
        return ok;
      });
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
        progress: null,
        failure: null,
        counts: { jobs: jobs.length, customers: customers.length, equipment: equipment.length, pricebook: book.items.length },
      };
      await this.db.put('priming', 'state', state);
      await this.db.put('priming', 'manifest', manifest.hash);
      this.failures = 0;
      this.state.set(state);
      this.changed();
    } catch (err) {
      const status = err instanceof OutpostError ? err.status : null;
      const code = err instanceof OutpostError ? err.code : 'internal';
      const failure = failureAfter(++this.failures, status, { code, message: (err as Error).message });
      this.state.set({ ...this.state.get(), running: false, progress: null, error: (err as Error).message, failure });
      if (failure.retryAt) {
        this.retryTimer = setTimeout(
          () => {
            this.retryTimer = null;
            void this.start();
          },
          Date.parse(failure.retryAt) - Date.now(),
        );
      }
    }
    return this.state.get();
  }
}

/** `work` over every item, at most `atOnce` running at a time; results in item order. */
async function inTurns<T, R>(items: readonly T[], atOnce: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, items.length) }, worker));
  return results;
}
