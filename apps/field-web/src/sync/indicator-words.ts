/**
 * The words on the header's sync indicator. Pending work is always counted, so a
 * technician knows at a glance whether anything is still only on this phone.
 */

/** The part of the engine's SyncStatus the indicator reads. */
export interface IndicatorInput {
  state: 'online' | 'offline' | 'sync_failed';
  pending: number;
  failed: number;
  connected: boolean;
}

/** The indicator's text and its colour class. */
export function indicatorWords(s: IndicatorInput): { text: string; tone: 'online' | 'offline' | 'failed' } {
  if (s.state === 'sync_failed' || s.failed > 0) return { text: `Sync failed (${s.failed} ${s.failed === 1 ? 'item' : 'items'})`, tone: 'failed' };
  if (s.connected && s.pending > 0) return { text: `Syncing (${s.pending} pending)`, tone: 'offline' };
  if (s.connected) return { text: 'Online', tone: 'online' };
  return { text: s.pending > 0 ? `Offline (${s.pending} pending)` : 'Offline', tone: 'offline' };
}
