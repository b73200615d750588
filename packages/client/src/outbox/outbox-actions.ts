/**
 * What a person does with the outbox: queue an op, and per item retry, discard, keep mine
 * (resubmit as an override) or keep the server's. Content is never touched by any of them.
 */
import { toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';
import { OutpostError, opIntentSchema, readServerState, workflowOpSchema, type OpIntent, type WorkflowOp } from '@outpost/shared';
import type { JobStore } from '../jobs/job-store';
import { newUuid } from '../ids/device-crypto';
import type { Watchable } from '../observable';
import { groupOf, isBackwards, lastAskedStep } from './conflict-groups';
import { intentOf, queuedItem, type Outbox, type OutboxItem, type OutboxLists } from './outbox';

/** The outbox as the app sees it. */
export interface OutboxApi extends Watchable<OutboxLists> {
  /** The four lists (same as `get()`). */
  list(): OutboxLists;
  /** Queues an op for a job; used by `engine.submitOp`. */
  submit(jobId: string, intent: OpIntent): Promise<OutboxItem>;
  /** Errors → queued again (same opId). */
  retry(opId: string): Promise<void>;
  /** Drops a queued, Errors or Conflicts item. */
  discard(opId: string): Promise<void>;
  /**
   * Conflict → its whole group (the job's steps refused against one server state) becomes
   * one op with `override: true` for the last step asked (new opId, next deviceSeq).
   * Refuses (`validation_failed`) an override to an earlier step than the device last asked for.
   */
  keepMine(opId: string): Promise<OutboxItem>;
  /** Conflict → its whole group is dropped; the job stays as the server has it. */
  keepServers(opId: string): Promise<void>;
}

/** The outbox actions of one device. */
export class OutboxActions implements OutboxApi {
  constructor(
    private readonly box: Outbox,
    private readonly jobs: JobStore,
    private readonly deviceId: () => string,
    /** opId → pending-update mark at enqueue: the op waits for those updates. */
    private readonly marks: Map<string, number>,
    private readonly kick: () => void,
    /** An item left the outbox without reaching the server (the drained notice must not count it). */
    private readonly discarded: (opId: string) => void = () => undefined,
  ) {}

  get = (): OutboxLists => this.box.get();
  subscribe = (listener: (lists: OutboxLists) => void): (() => void) => this.box.subscribe(listener);
  list = (): OutboxLists => this.box.get();

  async submit(jobId: string, intent: OpIntent): Promise<OutboxItem> {
    const parsed = opIntentSchema.safeParse(intent);
    if (!parsed.success) throw new OutpostError('validation_failed', parsed.error.issues.map((i) => i.message).join('; '));
    const item = queuedItem(await this.makeOp(jobId, parsed.data));
    await this.box.save(item);
    this.kick();
    return item;
  }

  async retry(opId: string): Promise<void> {
    const item = await this.box.find(opId);
    if (!item || item.state !== 'error') return;
    // Same opId and seq: if the server did store it, it answers with the stored result; if
    // not and the seq was taken meanwhile, it names the seq it expects and the drain renumbers.
    await this.box.save({ ...item, state: 'queued', attempts: 0, error: undefined });
    this.kick();
  }

  async discard(opId: string): Promise<void> {
    const item = await this.box.find(opId);
    if (!item || item.state === 'sent') return;
    this.discarded(opId);
    await this.box.remove(opId);
  }

  async keepMine(opId: string): Promise<OutboxItem> {
    const lists = await this.box.reload();
    const group = groupOf(lists.conflicts, opId);
    if (!group) throw new OutpostError('not_found', `No conflict ${opId} in the outbox.`);
    const all = [...lists.sent, ...lists.queued, ...lists.errors, ...lists.conflicts];
    const intent = { ...intentOf(group.mine), override: true };
    if (isBackwards(intent.to, lastAskedStep(all, group.jobId))) {
      throw new OutpostError('validation_failed', 'Keeping this step would move the job back past a later step you made.');
    }
    const next = queuedItem(await this.makeOp(group.jobId, intent));
    await this.box.save(next);
    for (const item of group.items) await this.box.remove(item.opId);
    this.kick();
    return next;
  }

  async keepServers(opId: string): Promise<void> {
    const group = groupOf((await this.box.reload()).conflicts, opId);
    for (const item of group?.items ?? []) await this.box.remove(item.opId);
  }

  private async makeOp(jobId: string, intent: OpIntent): Promise<WorkflowOp> {
    const session = await this.jobs.touch(jobId);
    const opId = newUuid();
    this.marks.set(opId, session.pending.mark);
    const op: WorkflowOp = {
      kind: intent.kind,
      ...(intent.to !== undefined && { to: intent.to }),
      ...(intent.assignees !== undefined && { assignees: intent.assignees }),
      ...(intent.override !== undefined && { override: intent.override }),
      ...(intent.request !== undefined && { request: intent.request }),
      opId,
      jobId,
      deviceId: this.deviceId(),
      deviceSeq: await this.box.nextDeviceSeq(),
      occurredAt: new Date().toISOString(),
      baseVersion: readServerState(session.doc)?.version ?? 0,
      docState: toBase64(Y.encodeStateVector(session.doc)),
    };
    return workflowOpSchema.parse(op);
  }
}
