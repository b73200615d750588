import { describe, expect, it } from 'vitest';
import { indicatorWords } from './indicator-words';

describe('header sync indicator', () => {
  it('reads Online only when connected with nothing waiting', () => {
    expect(indicatorWords({ state: 'online', pending: 0, failed: 0, connected: true })).toEqual({ text: 'Online', tone: 'online' });
  });

  it('counts pending work while offline or still uploading', () => {
    expect(indicatorWords({ state: 'offline', pending: 3, failed: 0, connected: false }).text).toBe('Offline (3 pending)');
    expect(indicatorWords({ state: 'offline', pending: 0, failed: 0, connected: false }).text).toBe('Offline');
    expect(indicatorWords({ state: 'offline', pending: 2, failed: 0, connected: true }).text).toBe('Syncing (2 pending)');
  });

  it('puts failures first, because they need the person to act', () => {
    expect(indicatorWords({ state: 'sync_failed', pending: 4, failed: 1, connected: true })).toEqual({ text: 'Sync failed (1 item)', tone: 'failed' });
    expect(indicatorWords({ state: 'sync_failed', pending: 0, failed: 2, connected: false }).text).toBe('Sync failed (2 items)');
  });
});
