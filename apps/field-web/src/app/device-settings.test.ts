import { afterEach, describe, expect, it } from 'vitest';
import { readSetting, writeSetting, type KeyValueStore } from './device-settings';

function memoryStore(): KeyValueStore {
  const items = new Map<string, string>();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
}

describe('per-device settings', () => {
  afterEach(() => {
    delete (globalThis as { localStorage?: unknown }).localStorage;
  });

  it('keeps and reads a setting', () => {
    const store = memoryStore();
    expect(readSetting('outpost.x', store)).toBeNull();
    expect(writeSetting('outpost.x', 'granted', store)).toBe(true);
    expect(readSetting('outpost.x', store)).toBe('granted');
  });

  it('goes on without the setting when the quota is full', () => {
    const full: KeyValueStore = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError');
      },
    };
    expect(writeSetting('outpost.x', 'granted', full)).toBe(false);
  });

  it('reads nothing and keeps nothing, without throwing, where the browser blocks storage for the site', () => {
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('access denied', 'SecurityError');
      },
    });
    expect(readSetting('outpost.x')).toBeNull();
    expect(writeSetting('outpost.x', 'granted')).toBe(false);
  });
});
