/**
 * Server extension points (issue 19, item 3): a team plugs in its own identity provider,
 * its own rule for who may open a job, or reacts to applied ops and committed job content,
 * without editing the relay. Passed as `ServerOptions.hooks`; every hook is optional.
 * The demo's bearer tokens and assignment rule are one implementation (`demoAuth`), used
 * for whatever a team leaves out. See docs/guide.md, "Server hooks", and
 * examples/completed-jobs-webhook.
 */
import type { Principal } from '../auth/token';
import type { JobRecord, OpLogEntry } from '../store/store';

/** What `authenticate` sees of a REST request or a relay websocket upgrade. */
export interface AuthRequest {
  headers: Headers;
  /** The full URL; a websocket's token arrives as `?token=`. */
  url: URL;
}

/** What a principal wants to do with a job: read it (REST), sync its doc (relay), or submit an op. */
export type JobAction = 'read' | 'sync' | 'op';

/** The hooks a team may supply. Errors thrown by the `on…` hooks are logged, never sent to devices. */
export interface ServerHooks {
  /**
   * Who sent this request. Return a principal, or null to fall through to the built-in
   * bearer token (so the field app's sign-in keeps working). Throw an `OutpostError`
   * (`unauthenticated`, `token_expired`) to refuse outright.
   */
  authenticate?(request: AuthRequest): Principal | null | Promise<Principal | null>;
  /**
   * Whether `principal` may `action` the job. Replaces the built-in rule (dispatchers see
   * every job, technicians their assigned ones). `false` refuses with `forbidden`; throw an
   * `OutpostError` to pick another code.
   */
  authorizeJob?(principal: Principal, job: JobRecord, action: JobAction): boolean | Promise<boolean>;
  /** After a workflow op is applied and stored (`entry.changed` says whether it moved the job). */
  onOpApplied?(entry: OpLogEntry): void | Promise<void>;
  /** After Yjs updates to a job's doc are durably committed (and acked), in commit order. */
  onContentCommitted?(jobId: string, updates: readonly Uint8Array[]): void | Promise<void>;
}
