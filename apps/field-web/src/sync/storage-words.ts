/**
 * The storage banner's words. The engine decides whether unsynced work is at risk
 * (evictable or nearly full storage); what to ask of the person depends on whether the
 * server is answering: offline, "Connect to sync"; online, the work is uploading now or
 * waiting in Offline Actions — never "Connect" to someone who is connected.
 */

/** What the words read. */
export interface StorageBannerInput {
  atRisk: boolean;
  usage: number | null;
  quota: number | null;
  /** Unsynced items: pending plus failed. */
  pending: number;
  failed: number;
  connected: boolean;
}

/** The banner text, or null when nothing is at risk. */
export function storageBannerWords(s: StorageBannerInput): string | null {
  const unsynced = s.pending + s.failed;
  if (!s.atRisk || unsynced === 0) return null;
  const nearlyFull = s.usage !== null && s.quota !== null && s.quota > 0 && s.usage / s.quota >= 0.8;
  const risk = nearlyFull
    ? `Storage is nearly full and ${unsynced} unsynced ${unsynced === 1 ? 'item is' : 'items are'} on this device.`
    : `The browser may clear this device's storage; ${unsynced} unsynced ${unsynced === 1 ? 'item is' : 'items are'} at risk.`;
  if (!s.connected) return `${risk} Connect to sync, or export them.`;
  if (s.failed > 0) return `${risk} ${s.failed === 1 ? 'One needs' : `${s.failed} need`} your decision in Offline Actions; export them to be safe.`;
  return `${risk} They are uploading now; export them to be safe.`;
}
