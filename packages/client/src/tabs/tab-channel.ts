/**
 * Tabs of one device see the same outbox, blobs and priming state: a change written to
 * the device database is announced on a BroadcastChannel, and the other tabs re-read it.
 */

/** What changed on the device. */
export type DeviceChange = 'outbox' | 'blobs' | 'priming' | 'session';

/** The channel between this device's tabs (a no-op where BroadcastChannel is missing). */
export class TabChannel {
  private readonly channel: BroadcastChannel | null;

  constructor(deviceName: string, onChange: (what: DeviceChange) => void) {
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`outpost:${deviceName}`) : null;
    if (this.channel) this.channel.onmessage = (e: MessageEvent) => onChange(e.data as DeviceChange);
  }

  /** Tells the other tabs that `what` changed. */
  announce(what: DeviceChange): void {
    this.channel?.postMessage(what);
  }

  /** Leaves the channel. */
  close(): void {
    this.channel?.close();
  }
}
