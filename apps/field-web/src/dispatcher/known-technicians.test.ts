import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../app/device-settings';
import { lastKnownTechnicians, rememberTechnicians } from './known-technicians';

function memoryStore(): KeyValueStore & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
}

describe('the technicians a board read last named', () => {
  it('keeps them per signed-in user for the next board that opens without a read', () => {
    const store = memoryStore();
    rememberTechnicians('dana', [{ id: 'alice', name: 'Alice' }], store);
    rememberTechnicians('erin', [{ id: 'bob', name: 'Bob' }], store);
    expect(lastKnownTechnicians('dana', store)).toEqual([{ id: 'alice', name: 'Alice' }]);
    expect(lastKnownTechnicians('erin', store)).toEqual([{ id: 'bob', name: 'Bob' }]);
    expect(lastKnownTechnicians('frank', store)).toEqual([]);
    expect(lastKnownTechnicians(undefined, store)).toEqual([]);
  });

  it('reads an unreadable or foreign entry as none kept, and keeps only id and name', () => {
    const store = memoryStore();
    store.items.set('outpost.technicians.dana', '{not json');
    expect(lastKnownTechnicians('dana', store)).toEqual([]);
    store.items.set('outpost.technicians.dana', JSON.stringify([{ id: 'alice', name: 'Alice', phone: '555' }, { id: 7 }, 'x']));
    expect(lastKnownTechnicians('dana', store)).toEqual([{ id: 'alice', name: 'Alice' }]);
  });

  it('loses nothing but the kept list when the store refuses a write', () => {
    const full: KeyValueStore = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError');
      },
    };
    expect(() => rememberTechnicians('dana', [{ id: 'alice', name: 'Alice' }], full)).not.toThrow();
  });

  it('reads as none kept, and keeps nothing, where the browser blocks storage for the site', () => {
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('access denied', 'SecurityError');
      },
    });
    try {
      expect(() => rememberTechnicians('dana', [{ id: 'alice', name: 'Alice' }])).not.toThrow();
      expect(lastKnownTechnicians('dana')).toEqual([]);
    } finally {
      delete (globalThis as { localStorage?: unknown }).localStorage;
    }
  });

  it('writes again only when the list changed (a board is read up to twice a second)', () => {
    const store = memoryStore();
    let writes = 0;
    const counted: KeyValueStore = { getItem: (k) => store.getItem(k), setItem: (k, v) => (writes++, store.setItem(k, v)) };
    rememberTechnicians('dana', [{ id: 'alice', name: 'Alice' }], counted);
    rememberTechnicians('dana', [{ id: 'alice', name: 'Alice' }], counted);
    expect(writes).toBe(1);
    rememberTechnicians(
      'dana',
      [
        { id: 'alice', name: 'Alice' },
        { id: 'bob', name: 'Bob' },
      ],
      counted,
    );
    expect(writes).toBe(2);
    expect(lastKnownTechnicians('dana', store)).toHaveLength(2);
  });
});
