/**
 * Pushes to devices: what concerns a device's lists (a job assigned, unassigned, created,
 * cancelled, changed) reaches its channel without polling. A notice is published on the
 * bus topic `DEVICE_NOTICES`, which every node subscribes to, so it reaches a device
 * whatever node holds its channel; each node delivers to its own channels by user.
 */
import { encodeMessage, jobNotice, type ServerState } from '@outpost/shared';
import { DEVICE_NOTICES, type Bus, type BusEvent, type Unsubscribe } from '../bus/bus';
import type { DeviceChannel } from './device-channel';

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
    this.subscription = bus.subscribe(DEVICE_NOTICES, (event) => this.deliver(event)).catch((err: unknown) => {
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
    const to = new Set<DeviceChannel>();
    for (const user of event.users) for (const c of this.byUser.get(user) ?? []) to.add(c);
    if (event.dispatchers) for (const set of this.byUser.values()) for (const c of set) if (c.principal.role === 'dispatcher') to.add(c);
    for (const channel of to) channel.sendControl(event.message);
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
