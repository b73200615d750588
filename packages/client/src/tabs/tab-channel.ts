/**
 * Tabs of one device see the same state: a change written to the device database is
 * announced on a BroadcastChannel and the other tabs re-read it; and since each tab
 * counts the doc updates typed in it, tabs also tell each other their pending counts, so
 * every tab's status line shows the device's total.
 */
import { newUuid } from '../ids/device-crypto';

/** What changed on the device. */
export type DeviceChange = 'outbox' | 'blobs' | 'priming' | 'session' | 'access';

type TabMessage = { kind: 'changed'; what: DeviceChange } | { kind: 'pending'; tab: string; count: number } | { kind: 'hello'; tab: string } | { kind: 'bye'; tab: string };

/** What the channel reports. */
export interface TabEvents {
  changed(what: DeviceChange): void;
  /** The other tabs' pending doc updates changed; `total` is their sum. */
  othersPending(total: number): void;
  /** A tab joined: say your pending count again. */
  joined(): void;
  /** A tab left: its pending updates are now this tab's to count and upload. */
  left(): void;
}

/** The channel between this device's tabs (a no-op where BroadcastChannel is missing). */
export class TabChannel {
  private readonly channel: BroadcastChannel | null;
  private readonly tab = newUuid();
  private readonly others = new Map<string, number>();
  private closed = false;

  constructor(
    deviceName: string,
    private readonly events: TabEvents,
  ) {
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`outpost:${deviceName}`) : null;
    if (this.channel) this.channel.onmessage = (e: MessageEvent) => this.receive(e.data as TabMessage);
    this.post({ kind: 'hello', tab: this.tab });
  }

  /** Tells the other tabs that `what` changed. */
  announce(what: DeviceChange): void {
    this.post({ kind: 'changed', what });
  }

  /** Tells the other tabs how many doc updates typed here are still pending. */
  announcePending(count: number): void {
    this.post({ kind: 'pending', tab: this.tab, count });
  }

  /** Tells the other tabs this one is going (its pending updates are theirs now). */
  leave(): void {
    this.post({ kind: 'bye', tab: this.tab });
  }

  /** Leaves the channel. */
  close(): void {
    this.leave();
    this.closed = true;
    this.channel?.close();
  }

  private post(message: TabMessage): void {
    // A job's pending count can still settle while the engine shuts down: a closed tab has nothing more to say.
    if (!this.closed) this.channel?.postMessage(message);
  }

  private receive(message: TabMessage): void {
    if (message.kind === 'changed') return this.events.changed(message.what);
    if (message.kind === 'hello') return this.events.joined();
    if (message.kind === 'bye') {
      this.others.delete(message.tab);
      this.events.othersPending(this.othersTotal());
      return this.events.left();
    }
    if (message.count === 0) this.others.delete(message.tab);
    else this.others.set(message.tab, message.count);
    this.events.othersPending(this.othersTotal());
  }

  private othersTotal(): number {
    let total = 0;
    for (const n of this.others.values()) total += n;
    return total;
  }
}
