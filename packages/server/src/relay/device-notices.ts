/**
 * Pushes to devices: what concerns a device's lists (a job assigned, unassigned, created,
 * cancelled, changed) reaches its channel without polling. A notice is published on the
 * bus topic `DEVICE_NOTICES`, which every node subscribes to, so it reaches a device
 * whatever node holds its channel; each node delivers to its own channels by user.
 */
import { encodeMessage, jobNotice, protocolVersionOf, readServerState, type ServerState } from '@outpost/shared';
import type * as Y from 'yjs';
import { DEVICE_NOTICES, type Bus, type BusEvent, type Unsubscribe } from '../bus/bus';
import type { DeviceChannel } from './device-channel';
import { requestNotices } from './office-notices';

/** Who a notice is for. */
export interface NoticeAudience {
  users: readonly string[];
  /** Every dispatcher's devices too (their board shows every job). */
  dispatchers: boolean;
}

/** One push for devices: an encoded Outpost channel message and its audience. */
export interface DeviceNotice extends NoticeAudience {
  message: Uint8Array;
}

/** The device channels of this node, by user, and the bus topic that feeds them. */
export class DeviceNotices {
  private readonly byUser = new Map<string, Set<DeviceChannel>>();
  private readonly subscription: Promise<Unsubscribe | null>;

  constructor(
    private readonly bus: Bus,
    private readonly nodeId: string,
  ) {
    this.subscription = bus
      .subscribe(DEVICE_NOTICES, (event) => this.deliver(event))
      .catch((err: unknown) => {
        console.error('[outpost] device notices: bus subscription failed; devices on this node get no pushes', err);
        return null;
      });
  }

  /** A channel was let in (true) or went away (false). */
  track(channel: DeviceChannel, open: boolean): void {
    const set = this.byUser.get(channel.userId) ?? new Set();
    if (open) {
      set.add(channel);
      this.byUser.set(channel.userId, set);
    } else {
      set.delete(channel);
      if (set.size === 0) this.byUser.delete(channel.userId);
    }
  }

  /** Publishes notices to every node (this one included). */
  publish(notices: readonly DeviceNotice[]): Promise<void> {
    return Promise.all(
      notices.map((n) => this.bus.publish({ kind: 'notice', jobId: DEVICE_NOTICES, node: this.nodeId, users: [...n.users], dispatchers: n.dispatchers, message: n.message })),
    ).then(() => undefined);
  }

  /** Stops listening to the bus. */
  async close(): Promise<void> {
    const unsubscribe = await this.subscription;
    await unsubscribe?.();
  }

  private deliver(event: BusEvent): void {
    if (event.kind !== 'notice') return;
    // A device that declared an older protocol could not read a newer message: it re-reads on reconnect instead.
    const needs = protocolVersionOf(event.message);
    const to = new Set<DeviceChannel>();
    for (const user of event.users) for (const c of this.byUser.get(user) ?? []) to.add(c);
    if (event.dispatchers) for (const set of this.byUser.values()) for (const c of set) if (c.principal.role === 'dispatcher') to.add(c);
    for (const channel of to) if (channel.protocolVersion >= needs) channel.sendControl(event.message);
  }
}

/**
 * The notices for a job's state change: a technician added hears `assigned`, one removed
 * `unassigned` (the revoke closes the job on their devices too), everyone else on the job
 * and every dispatcher hears `cancelled` or `changed`.
 */
export function jobChangeNotices(jobId: string, before: readonly string[], state: Pick<ServerState, 'status' | 'version' | 'assignees'>, cancelled: boolean): DeviceNotice[] {
  const after = state.assignees;
  const added = after.filter((u) => !before.includes(u));
  const removed = before.filter((u) => !after.includes(u));
  const stayed = after.filter((u) => before.includes(u));
  const notice = (change: string) => encodeMessage(jobNotice, { jobId, change, status: state.status, version: state.version, assignees: [...after] });
  const out: DeviceNotice[] = [{ users: stayed, dispatchers: true, message: notice(cancelled ? 'cancelled' : 'changed') }];
  if (added.length > 0) out.push({ users: added, dispatchers: false, message: notice('assigned') });
  if (removed.length > 0) out.push({ users: removed, dispatchers: false, message: notice('unassigned') });
  return out;
}

/** The notices for a new job: its technicians hear `assigned`, dispatchers `created`. */
export function jobCreatedNotices(jobId: string, state: Pick<ServerState, 'status' | 'version' | 'assignees'>): DeviceNotice[] {
  const notice = (change: string) => encodeMessage(jobNotice, { jobId, change, status: state.status, version: state.version, assignees: [...state.assignees] });
  return [
    { users: [], dispatchers: true, message: notice('created') },
    { users: state.assignees, dispatchers: false, message: notice('assigned') },
  ];
}

/** Meta keys that place the job in time: a change to one is a reschedule. */
const WINDOW_KEYS = new Set(['windowStart', 'windowEnd']);

/**
 * Pushes `rescheduled` (or `changed`) when a device's write changes the job's `meta` (the
 * office's window, title, address), so lists show a new time without polling. One notice per
 * quiet `delayMs`: a dispatcher typing a title is one push, not one per keystroke.
 */
export class MetaChangeNotices {
  private timer: NodeJS.Timeout | null = null;
  private rescheduled = false;

  constructor(
    private readonly jobId: string,
    private readonly publish: (notices: DeviceNotice[]) => void,
    private readonly delayMs = 250,
  ) {}

  /** Watches a built doc; `fromDevice` tells a device's write from the server's, a load or the bus. */
  watch(doc: Y.Doc, fromDevice: (origin: unknown) => boolean): void {
    const meta = doc.getMap('meta');
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      const keys = tr.changed.get(meta as never);
      if (!keys || !fromDevice(tr.origin)) return;
      for (const k of keys) if (k !== null && WINDOW_KEYS.has(k)) this.rescheduled = true;
      this.timer ??= setTimeout(() => this.fire(doc), this.delayMs);
    });
  }

  /** Drops a notice still waiting (the room is going away). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private fire(doc: Y.Doc): void {
    this.timer = null;
    const state = readServerState(doc);
    const change = this.rescheduled ? 'rescheduled' : 'changed';
    this.rescheduled = false;
    if (!state) return;
    const message = encodeMessage(jobNotice, { jobId: this.jobId, change, status: state.status, version: state.version, assignees: [...state.assignees] });
    this.publish([{ users: state.assignees, dispatchers: true, message }, ...requestNotices(this.jobId, doc)]);
  }
}
