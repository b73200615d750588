/**
 * Small per-device settings the app keeps in `localStorage` (a consent answer, whether a
 * question was asked, the last technician list). Reads and writes never throw: storage a
 * browser blocks for the site (reading the property throws) or refuses to grow (a full
 * quota) costs only the remembered setting, never the screen that wanted it.
 */

/** The part of `localStorage` the settings need (a stand-in in unit tests). */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

function browserStore(): KeyValueStore | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined; // storage blocked for the site: reading the property throws
  }
}

/** The setting's value; null when it was never kept or cannot be read. */
export function readSetting(key: string, store = browserStore()): string | null {
  try {
    return store?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Keeps the setting; false when the browser refused it (the app goes on without it). */
export function writeSetting(key: string, value: string, store = browserStore()): boolean {
  if (!store) return false;
  try {
    store.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}
