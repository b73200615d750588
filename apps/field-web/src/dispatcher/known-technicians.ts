/**
 * The technicians of the last board read, kept on the device per signed-in user. The
 * board reads them from `GET /api/board`; until that answers (a fresh page, a reload with
 * no network, a screen mounted again) the desk still has a lane for each technician, the
 * phone board names them, and the assign lists offer them. Without it a dispatcher who
 * opened the board offline saw only the Unassigned lane, and every assigned job was missing.
 */
import { readSetting, writeSetting, type KeyValueStore } from '../app/device-settings';
import type { Technician } from './use-board';

const keyFor = (userId: string) => `outpost.technicians.${userId}`;

function isTechnician(t: unknown): t is Technician {
  return typeof t === 'object' && t !== null && typeof (t as Technician).id === 'string' && typeof (t as Technician).name === 'string';
}

/** The technicians this user's board last read; [] when none was kept (or it is unreadable). */
export function lastKnownTechnicians(userId: string | undefined, store?: KeyValueStore): Technician[] {
  if (!userId) return [];
  try {
    const kept: unknown = JSON.parse(readSetting(keyFor(userId), store) ?? '[]');
    return Array.isArray(kept) ? kept.filter(isTechnician).map(({ id, name }) => ({ id, name })) : [];
  } catch {
    return [];
  }
}

/** Keeps a board read's technicians for the next time the board opens without one (written only when they changed). */
export function rememberTechnicians(userId: string | undefined, technicians: readonly Technician[], store?: KeyValueStore): void {
  if (!userId) return;
  const kept = JSON.stringify(technicians.map(({ id, name }) => ({ id, name })));
  if (readSetting(keyFor(userId), store) !== kept) writeSetting(keyFor(userId), kept, store);
}
