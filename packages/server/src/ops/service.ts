/**
 * Applying workflow ops (`POST /api/jobs/:id/ops`): access first, dedupe by opId, order
 * per (user, device), wait for the doc to cover the op's `docState` (causality), decide
 * against the locked job state, append to the op log, then mirror the new state into the
 * doc's server map and tell every node (job changed, access revoked). An op its sender may
 * not make at all (not assigned, wrong role) is refused without a log entry.
 */
import { decide, ERROR_CODES, OutpostError, type ErrorCode, type JobFacts, type OpResult, type ServerState, type WorkflowOp } from '@outpost/shared';
import * as Y from 'yjs';
import type { Principal } from '../auth/token';
import type { Bus } from '../bus/bus';
import type { ServerMetrics } from '../metrics/metrics';
import { jobChangeNotices, jobCreatedNotices } from '../relay/device-notices';
import { requestMadeNotices, requestNotices, reviewNotices } from '../relay/office-notices';
import type { JobDocs, OpenJob } from '../relay/job-docs';
import type { JobRecord, OpLogEntry, BlobStore, Directory, DocLog, HandoverStore, OpLog } from '../store/store';
import type { Hooks } from '../hooks/hooks';
import { awaitSignatureImage, guardFacts } from './guard-facts';
import { ensureRequestJob } from './requests';

export type { OpResult };

/** What the op service needs. */
export interface OpServiceDeps {
  /** Ops, the jobs and their docs (request jobs), blob facts for guards, removals for handovers. */
  store: OpLog & DocLog & Directory & BlobStore & Pick<HandoverStore, 'recordRemoval'>;
  relay: JobDocs;
  bus: Bus;
  nodeId: string;
  metrics: ServerMetrics;
  causalWaitMs: number;
  /** Told about every applied op (`ServerHooks.onOpApplied`). */
  hooks: Pick<Hooks, 'opApplied'>;
}

function serverStateOf(entry: OpLogEntry): ServerState {
  return { status: entry.status, version: entry.version, assignees: entry.assignees, changedBy: entry.changedBy, changedAt: entry.changedAt };
}

/** The answer for a logged op: its result, or the error it was rejected with. */
function answer(entry: OpLogEntry, duplicate: boolean): OpResult {
  if (entry.outcome === 'rejected') {
    throw new OutpostError((entry.code ?? 'conflict') as ErrorCode, entry.message ?? undefined, { server: serverStateOf(entry), opId: entry.opId });
  }
  const { opId, status, version, assignees, changed, review, receivedAt } = entry;
  return { opId, outcome: 'applied', status, version, assignees, changed, review, duplicate, receivedAt };
}

/** Whether a logged op is the one being submitted again: same actor, envelope and intent. */
function sameOp(known: OpLogEntry, op: WorkflowOp, user: Principal): boolean {
  const envelope = known.actor === user.userId && known.jobId === op.jobId && known.deviceId === op.deviceId && known.deviceSeq === op.deviceSeq;
  const intent =
    known.kind === op.kind &&
    known.to === (op.to ?? null) &&
    known.override === (op.override === true) &&
    JSON.stringify(known.requestedAssignees) === JSON.stringify(op.assignees ?? null);
  return envelope && intent;
}

/** Refusals that mean "you may not act on this job": never logged, never answered with its state. */
const REFUSED_CODES: ReadonlySet<string> = new Set<ErrorCode>(['not_assigned', 'forbidden']);

/**
 * Pushes how a logged op ended (`opResult`) to the submitting user's Outpost sockets on the
 * job on this node, so a device whose HTTP answer was lost still learns it.
 */
function pushResult(room: OpenJob | null, userId: string, entry: OpLogEntry, duplicate: boolean): void {
  if (!room) return;
  const result = { opId: entry.opId, outcome: duplicate ? 'duplicate' : entry.outcome, code: entry.code ?? '', status: entry.status, version: entry.version };
  for (const member of room.members) if (member.userId === userId) member.opResult(result);
}

function decodeDocState(base64: string): Map<number, number> {
  if (base64 === '') return new Map();
  try {
    return Y.decodeStateVector(Buffer.from(base64, 'base64'));
  } catch {
    throw new OutpostError('validation_failed', 'docState: not an encoded Yjs state vector.');
  }
}

/** Applies workflow ops. */
export class OpService {
  constructor(private readonly deps: OpServiceDeps) {}

  /**
   * Submits one validated op as `user`; throws an OutpostError for every refusal. An op
   * `behindConflict` (a batch whose earlier op on the job was rejected) is checked for
   * access and order like any other, then logged as not applied (`behind_conflict`).
   */
  async submit(op: WorkflowOp, user: Principal, behindConflict = false): Promise<OpResult> {
    try {
      const result = await this.run(op, user, behindConflict);
      this.deps.metrics.countOp(result.duplicate ? 'duplicate' : 'applied');
      return result;
    } catch (err) {
      this.deps.metrics.countOp(err instanceof OutpostError ? err.code : 'internal');
      throw err;
    }
  }

  private async run(op: WorkflowOp, user: Principal, behindConflict: boolean): Promise<OpResult> {
    const { store, relay } = this.deps;
    const known = await store.getOp(op.opId);
    if (known?.actor === user.userId) {
      const result = this.duplicate(known, op, user);
      const source = op.kind === 'request' ? await store.getJob(op.jobId) : null;
      if (source) await this.ensureRequest(op, user, source);
      return result;
    }
    const stateVector = decodeDocState(op.docState);
    const job = await store.getJob(op.jobId);
    // Access first: a stranger's op is answered before anything about the job (or an
    // opId someone else used) is read out or logged.
    if (job && user.role === 'technician' && !job.assignees.includes(user.userId)) {
      throw new OutpostError('not_assigned', `Job ${op.jobId} is not assigned to you.`);
    }
    if (known) throw new OutpostError('op_mismatch', undefined, { opId: op.opId });
    const room = job ? await relay.acquire(op.jobId) : null;
    try {
      const mayAct = user.role === 'dispatcher' || job?.assignees.includes(user.userId);
      // Only wait for ops that could apply; a refusal for role or assignment needs no doc.
      if (room && mayAct && !behindConflict && !(await room.waitToCover(stateVector, this.deps.causalWaitMs))) {
        throw new OutpostError('not_causal', undefined, { opId: op.opId });
      }
      const facts = await guardFacts(store, room?.doc ?? null, op);
      if (job && !behindConflict) awaitSignatureImage(job, op, user, facts);
      const result = await this.record(op, user, room, facts, behindConflict);
      // A request becomes its job once logged; a resubmission makes it if a crash came between.
      if (op.kind === 'request' && job && !behindConflict) {
        const made = await ensureRequestJob(store, op, user, job, room?.doc ?? null);
        // The board learns of the new request as it learns of any new job (a push, not a poll).
        this.deps.relay.notifyDevices(jobCreatedNotices(made.id, made));
        this.deps.relay.notifyDevices(requestMadeNotices(made.id, user.userId, job.id));
      }
      return result;
    } finally {
      if (room) relay.release(room);
    }
  }

  /** Makes a logged request's job (a resubmission after a crash between log and create). */
  private async ensureRequest(op: WorkflowOp, user: Principal, source: JobRecord): Promise<void> {
    const room = await this.deps.relay.acquire(source.id);
    try {
      const made = await ensureRequestJob(this.deps.store, op, user, source, room.doc);
      this.deps.relay.notifyDevices(jobCreatedNotices(made.id, made));
      this.deps.relay.notifyDevices(requestMadeNotices(made.id, user.userId, source.id));
    } finally {
      this.deps.relay.release(room);
    }
  }

  private duplicate(known: OpLogEntry, op: WorkflowOp, user: Principal): OpResult {
    if (!sameOp(known, op, user)) throw new OutpostError('op_mismatch', undefined, { opId: op.opId });
    return answer(known, true);
  }

  private async record(op: WorkflowOp, user: Principal, room: OpenJob | null, facts: JobFacts, behindConflict = false): Promise<OpResult> {
    const receivedAt = new Date().toISOString();
    const unknownAssignee = op.kind === 'assign' ? await this.firstNonTechnician(op.assignees ?? []) : undefined;
    let before: ServerState | null = null;
    const outcome = await this.deps.store.applyOp(
      {
        opId: op.opId,
        jobId: op.jobId,
        deviceId: op.deviceId,
        deviceSeq: op.deviceSeq,
        actor: user.userId,
        kind: op.kind,
        to: op.to ?? null,
        assignees: op.assignees ?? null,
        override: op.override === true,
        occurredAt: op.occurredAt,
        receivedAt,
      },
      (state) => {
        before = state;
        if (unknownAssignee !== undefined && user.role === 'dispatcher') {
          return { outcome: 'rejected', code: 'validation_failed', message: `assignees: ${unknownAssignee} is not a technician.` };
        }
        const d = decide(state, op, user, facts);
        if (d.outcome === 'rejected' && REFUSED_CODES.has(d.code)) return { ...d, outcome: 'refused' };
        // Held whatever it would meet: the device decides once the conflict before it is resolved.
        if (behindConflict) return { outcome: 'rejected', code: 'behind_conflict', message: ERROR_CODES.behind_conflict.message };
        if (d.outcome === 'rejected') return d;
        const changedBy = d.changed ? user.userId : state.changedBy;
        const changedAt = d.changed ? receivedAt : state.changedAt;
        return { outcome: 'applied', changed: d.changed, review: d.review, state: { status: d.status, version: d.version, assignees: d.assignees, changedBy, changedAt } };
      },
    );
    if (outcome.kind === 'duplicate') {
      if (sameOp(outcome.entry, op, user)) pushResult(room, user.userId, outcome.entry, true);
      return this.duplicate(outcome.entry, op, user);
    }
    if (outcome.kind === 'out_of_order') throw new OutpostError('out_of_order', undefined, { expectedSeq: outcome.expectedSeq, opId: op.opId });
    if (outcome.kind === 'seq_reused') {
      throw new OutpostError('op_mismatch', `deviceSeq ${op.deviceSeq} was already used by another op from this device.`, { expectedSeq: outcome.expectedSeq, opId: op.opId });
    }
    if (outcome.kind === 'job_not_found') throw new OutpostError('not_found', `No job ${op.jobId}.`);
    if (outcome.kind === 'refused') throw new OutpostError(outcome.code as ErrorCode, outcome.message);
    const entry = outcome.entry;
    pushResult(room, user.userId, entry, false);
    if (entry.outcome === 'applied') this.deps.hooks.opApplied(entry);
    // A "keep mine" override applied: the office's review list learns of it now, not on its next read.
    if (entry.outcome === 'applied' && entry.review) this.deps.relay.notifyDevices(reviewNotices(entry.jobId, entry.opId, 'marked'));
    if (entry.outcome === 'applied' && entry.changed && room) await this.announce(room, entry, before);
    return answer(entry, false);
  }

  private async firstNonTechnician(ids: readonly string[]): Promise<string | undefined> {
    const technicians = new Set((await this.deps.store.listUsers()).filter((u) => u.role === 'technician').map((u) => u.id));
    return ids.find((id) => !technicians.has(id));
  }

  /** Mirrors the applied state into the doc and tells every node; revokes unassigned technicians. */
  private async announce(room: OpenJob, entry: OpLogEntry, before: ServerState | null): Promise<void> {
    const { bus, nodeId } = this.deps;
    const state = serverStateOf(entry);
    room.mirrorServerState(state);
    await bus.publish({ kind: 'jobChanged', jobId: entry.jobId, node: nodeId, state });
    const removed = (before?.assignees ?? []).filter((id) => !state.assignees.includes(id));
    for (const userId of removed) {
      // Kept so the technician can still hand over work made while assigned (handover/service.ts).
      await this.deps.store.recordRemoval({ jobId: entry.jobId, userId, removedBy: entry.actor, removedAt: entry.receivedAt });
      await bus.publish({ kind: 'revoke', jobId: entry.jobId, node: nodeId, userId });
    }
    this.deps.relay.notifyDevices(jobChangeNotices(entry.jobId, before?.assignees ?? [], state, entry.kind === 'cancel'));
    // A request job moved on (scheduled, assigned, cancelled): its raiser follows it from the job it came from.
    this.deps.relay.notifyDevices(requestNotices(entry.jobId, room.doc));
  }
}
