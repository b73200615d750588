/**
 * `Hooks`: the one place the server calls `ServerHooks`, with the demo's auth filling in
 * whatever a team left out. Each call site in the relay, API and op service is one line.
 */
import type { IncomingMessage } from 'node:http';
import { OutpostError } from '@outpost/shared';
import type { Principal } from '../auth/token';
import type { JobRecord, JobUpdate, OpLogEntry, Store } from '../store/store';
import { demoAuth } from './demo-auth';
import type { AuthRequest, JobAction, ServerHooks } from './server-hooks';

export class Hooks {
  private readonly demo: ReturnType<typeof demoAuth>;

  constructor(
    private readonly hooks: ServerHooks,
    secret: string,
  ) {
    this.demo = demoAuth(secret);
  }

  /** The request's principal: the team's `authenticate`, else the demo's bearer token. */
  async authenticate(request: AuthRequest): Promise<Principal> {
    return (await this.hooks.authenticate?.(request)) ?? (await this.demo.authenticate(request));
  }

  /** The job, when `principal` may `action` it; throws `not_found`, `forbidden` or the hook's own error. */
  async jobFor(store: Pick<Store, 'getJob'>, principal: Principal, jobId: string, action: JobAction): Promise<JobRecord> {
    const job = await store.getJob(jobId);
    if (!job) throw new OutpostError('not_found', `No job ${jobId}.`);
    const allowed = await (this.hooks.authorizeJob ?? this.demo.authorizeJob)(principal, job, action);
    if (!allowed) throw new OutpostError('forbidden', `You may not ${action} job ${jobId}.`);
    return job;
  }

  /**
   * Runs the team's `authorizeJob` for an op before it is submitted. Without one, nothing:
   * the op service's own decision applies the demo's rule (and answers repeats of ops
   * already logged, which a fresh check here would refuse).
   */
  async mayAct(store: Pick<Store, 'getJob'>, principal: Principal, jobId: string): Promise<void> {
    if (this.hooks.authorizeJob) await this.jobFor(store, principal, jobId, 'op');
  }

  /** Tells `onOpApplied` about an applied op; never delays or fails the op. */
  opApplied(entry: OpLogEntry): void {
    if (this.hooks.onOpApplied) this.fire('onOpApplied', () => this.hooks.onOpApplied!(entry));
  }

  /** Tells `onContentCommitted` about a committed batch, one call per job in it. */
  contentCommitted(batch: readonly JobUpdate[]): void {
    const hook = this.hooks.onContentCommitted;
    if (!hook) return;
    const perJob = new Map<string, Uint8Array[]>();
    for (const { jobId, update } of batch) (perJob.get(jobId) ?? perJob.set(jobId, []).get(jobId)!).push(update);
    for (const [jobId, updates] of perJob) this.fire('onContentCommitted', () => hook(jobId, updates));
  }

  /** Runs a hook after the current work; its failure is logged (a person sees it), not thrown into the relay. */
  private fire(name: string, run: () => void | Promise<void>): void {
    queueMicrotask(() => {
      Promise.resolve()
        .then(run)
        .catch((err: unknown) => console.error(`[outpost] hook ${name} failed`, err));
    });
  }
}

/** A websocket upgrade request as `authenticate` sees it. */
export function authRequestOf(req: IncomingMessage): AuthRequest {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return { headers, url: new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`) };
}
