/**
 * The handover desk: when the relay refuses a job because this person was taken off it,
 * the work they made on it while assigned (the job's pending updates) goes to the office
 * as one handover (`POST /api/jobs/:id/handover`), parked there for a dispatcher to merge
 * or discard, instead of waiting forever on the device. Each refused job gets a
 * `JobAccess` record saying why and what became of the work.
 *
 * The handover id is chosen once and kept, so a resend after a lost answer or a reload is
 * answered with the first result. Network failures keep the handover `sending` and it is
 * retried when the server answers again; a refusal (e.g. `handover_expired`) leaves the
 * work on the device, where it stays counted as failed and exportable.
 */
import { toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';
import { CLOSE_CODES, type Handover } from '@outpost/shared';
import { newUuid } from '../ids/device-crypto';
import { Observable, type Watchable } from '../observable';
import type { PendingRecord } from '../jobs/pending-updates';
import type { DeviceStorage } from '../storage/device-storage';
import { errorOf, Unreachable, type ServerHttp } from '../sync/server-http';
import type { JobAccess } from './job-access';

/** What the desk needs from the engine. */
export interface HandoverDeskOptions {
  db: DeviceStorage;
  api: ServerHttp;
  deviceId(): string;
  userId(): string | null;
  /** The handed-over updates (device keys) reached the server: stop counting them. */
  handedOver(jobId: string, keys: number[]): Promise<void>;
  /** The job's title from its doc on this device. */
  titleOf(jobId: string): Promise<string | null>;
  /** The records changed (other tabs re-read them). */
  changed(): void;
  /** The job is this person's again: reconnect it. */
  reassigned(jobId: string): void;
}

const KEY = (jobId: string) => `access:${jobId}`;

/** Keeps the refused jobs of this device and hands their work over. */
export class HandoverDesk implements Watchable<JobAccess[]> {
  private readonly list = new Observable<JobAccess[]>([]);
  private readonly sending = new Set<string>();

  constructor(private readonly options: HandoverDeskOptions) {}

  get = (): JobAccess[] => this.list.get();
  subscribe = (listener: (list: JobAccess[]) => void): (() => void) => this.list.subscribe(listener);

  /** The access record of a job for the signed-in person, or null while they may write it. */
  of(jobId: string): JobAccess | null {
    return this.list.get().find((a) => a.jobId === jobId && a.userId === this.options.userId()) ?? null;
  }

  /** Loads the records kept on the device. */
  async reload(): Promise<void> {
    const all = await this.options.db.entries<JobAccess>('meta');
    this.list.set(all.filter(([k]) => String(k).startsWith('access:')).map(([, v]) => v));
  }

  /** The relay refused the job (`error` is the server's error code, if it sent one). */
  async refused(jobId: string, code: number, error: string | null, message: string): Promise<void> {
    const userId = this.options.userId();
    if (!userId) return;
    const gone = error === 'not_found' || (error === null && code === CLOSE_CODES.notFound);
    const removed = error === 'not_assigned' || (error === null && code === CLOSE_CODES.forbidden);
    const reason: JobAccess['reason'] = gone ? 'gone' : removed ? 'removed' : 'refused';
    const known = this.of(jobId);
    const access: JobAccess = known ?? {
      jobId,
      title: await this.options.titleOf(jobId),
      userId,
      reason,
      message,
      learnedAt: new Date().toISOString(),
      removal: null,
      handover: { state: 'nothing' },
    };
    const keys = await this.unsentKeys(jobId);
    if (reason === 'removed' && keys.length > 0) {
      // The same id until the server has parked it; changes made after that (another tab) go as a new one.
      const h = access.handover;
      const handoverId = h.state === 'sending' || h.state === 'refused' ? h.handoverId : newUuid();
      await this.save({ ...access, handover: { state: 'sending', handoverId } });
      return this.send(jobId);
    }
    await this.save(access);
    if (reason === 'removed' && !access.removal) await this.learnRemoval(jobId);
  }

  /** Tries every handover still waiting for the server (it answers again). */
  retry(): void {
    for (const a of this.list.get()) if (a.handover.state === 'sending' && a.userId === this.options.userId()) void this.send(a.jobId);
  }

  /**
   * Asks the server what the office decided about handovers it still holds as parked
   * (merged, discarded), for the words on the person's screen.
   */
  async refreshDecisions(): Promise<void> {
    for (const access of this.list.get()) {
      if (access.userId !== this.options.userId() || access.handover.state !== 'sent' || access.handover.decision !== 'parked') continue;
      let answer;
      try {
        answer = await this.options.api.request<{ handovers: Handover[] }>('GET', `/api/jobs/${encodeURIComponent(access.jobId)}/handovers`);
      } catch (err) {
        if (err instanceof Unreachable) return; // asked again next time
        throw err;
      }
      const handover = access.handover;
      const mine = answer.status === 200 ? answer.body.handovers.find((h) => h.id === handover.handoverId) : undefined;
      if (mine && mine.state !== 'parked') await this.save({ ...access, handover: { ...handover, decision: mine.state } });
    }
  }

  /** The job is this person's again (it is in their job list): drop its record. */
  async forget(jobId: string): Promise<void> {
    if (!this.list.get().some((a) => a.jobId === jobId)) return;
    await this.options.db.delete('meta', KEY(jobId));
    this.list.set(this.list.get().filter((a) => a.jobId !== jobId));
    this.options.changed();
  }

  private async unsentKeys(jobId: string): Promise<number[]> {
    return (await this.options.db.pendingOf<PendingRecord>(jobId)).map(([k]) => k);
  }

  private async send(jobId: string): Promise<void> {
    if (this.sending.has(jobId)) return;
    this.sending.add(jobId);
    try {
      const access = this.of(jobId);
      if (access?.handover.state !== 'sending') return;
      const records = await this.options.db.pendingOf<PendingRecord>(jobId);
      if (records.length === 0) return void (await this.save({ ...access, handover: { state: 'nothing' } }));
      const update = Y.mergeUpdates(records.map(([, r]) => new Uint8Array(r.update)));
      const body = { handoverId: access.handover.handoverId, deviceId: this.options.deviceId(), update: toBase64(update) };
      let answer;
      try {
        answer = await this.options.api.request<{ handover: Handover | null }>('POST', `/api/jobs/${encodeURIComponent(jobId)}/handover`, body);
      } catch (err) {
        if (err instanceof Unreachable) return; // retried when the server answers again
        throw err;
      }
      if (answer.status === 200 || answer.status === 201) {
        const h = answer.body.handover;
        const summary = h?.summary ?? { notes: 0, checklist: 0, photos: 0, signature: 0, time: 0, refrigerant: 0, lineItems: 0, locations: 0, messages: 0 };
        await this.save({
          ...access,
          removal: h?.removal ?? access.removal,
          handover: { state: 'sent', handoverId: access.handover.handoverId, summary, decision: h?.state ?? 'merged' },
        });
        await this.options.handedOver(
          jobId,
          records.map(([k]) => k),
        );
        return;
      }
      const error = errorOf(answer);
      if (answer.status >= 500 || answer.status === 429 || answer.status === 401) return; // transient or signed out: retried later
      if (error.code === 'conflict' && (error.details as { assigned?: boolean } | undefined)?.assigned) {
        await this.forget(jobId);
        return this.options.reassigned(jobId);
      }
      await this.save({ ...access, handover: { state: 'refused', handoverId: access.handover.handoverId, error: { code: error.code, message: error.message } } });
      if (!access.removal) await this.learnRemoval(jobId);
    } finally {
      this.sending.delete(jobId);
    }
  }

  /** Asks the server who took this person off the job and when (for the words on screen). */
  private async learnRemoval(jobId: string): Promise<void> {
    try {
      const answer = await this.options.api.request<{ removal: Handover['removal'] }>('GET', `/api/jobs/${encodeURIComponent(jobId)}/handovers`);
      const access = this.of(jobId);
      if (answer.status === 200 && access && answer.body.removal) await this.save({ ...access, removal: answer.body.removal });
    } catch (err) {
      // Unreachable: the screen says "removed" without who and when until the next refusal asks again.
      if (!(err instanceof Unreachable)) throw err;
    }
  }

  private async save(access: JobAccess): Promise<void> {
    await this.options.db.put('meta', KEY(access.jobId), access);
    this.list.set([...this.list.get().filter((a) => a.jobId !== access.jobId), access]);
    this.options.changed();
  }
}
