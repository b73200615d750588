/**
 * Re-reading one piece of reference data the server pushed a change for
 * (`referenceChanged { kind, id }`): a customer, a piece of equipment, or the pricebook at a
 * new version. Only that record is fetched; the cache keeps the shape priming gives it
 * (equipment's `jobIds` narrowed to the cached jobs, lists sorted by id), so the manifest
 * hash recomputed afterwards matches the server's and the next list refresh does not
 * re-prime for nothing. A record the device may no longer read (403/404) leaves the cache.
 */
import { OutpostError, type Customer, type Equipment, type JobSummary, type PricebookItem, type ReferenceChanged } from '@outpost/shared';
import { sha256Hex } from '../ids/device-crypto';
import type { ServerHttp } from '../sync/server-http';
import type { DeviceStorage } from '../storage/device-storage';

/** The kinds of reference data a device keeps primed. */
export type ReferenceKind = 'customer' | 'equipment' | 'pricebook';

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Gone for this device: no longer its to read, or deleted. */
function gone(err: unknown): boolean {
  return err instanceof OutpostError && (err.status === 403 || err.status === 404);
}

/** Replaces (or drops, when `next` is null) the record `id` in a list sorted by id. */
function replaced<T extends { id: string }>(list: readonly T[], id: string, next: T | null): T[] {
  const rest = list.filter((x) => x.id !== id);
  return next ? [...rest, next].sort(byId) : rest;
}

/**
 * Re-reads what `change` names into the cache; resolves true when the cache changed.
 * Throws when the server could not answer (the next reconnect re-reads the lists).
 */
export async function rereadReference(db: DeviceStorage, api: ServerHttp, change: ReferenceChanged): Promise<boolean> {
  if (change.kind === 'pricebook') {
    if ((await db.get<string>('priming', 'pricebookVersion')) === change.id) return false;
    return rereadPricebook(db, api);
  }
  if (change.kind === 'customer') {
    const customers = (await db.get<Customer[]>('priming', 'customers')) ?? [];
    // A customer none of this device's jobs is for is not kept here.
    if (!customers.some((c) => c.id === change.id)) return false;
    const next = await api.call<{ customer: Customer }>('GET', `/api/customers/${encodeURIComponent(change.id)}`).then(
      (b) => b.customer,
      (err: unknown) => (gone(err) ? null : Promise.reject(err)),
    );
    await db.put('priming', 'customers', replaced(customers, change.id, next));
  } else if (change.kind === 'equipment') {
    const jobIds = new Set(((await db.get<JobSummary[]>('priming', 'jobs')) ?? []).map((j) => j.id));
    const equipment = (await db.get<Equipment[]>('priming', 'equipment')) ?? [];
    const read = await api.call<{ equipment: Equipment }>('GET', `/api/equipment/${encodeURIComponent(change.id)}`).then(
      (b) => b.equipment,
      (err: unknown) => (gone(err) ? null : Promise.reject(err)),
    );
    const mine = read ? { ...read, jobIds: read.jobIds.filter((id) => jobIds.has(id)) } : null;
    const next = mine && mine.jobIds.length > 0 ? mine : null;
    if (!next && !equipment.some((e) => e.id === change.id)) return false;
    await db.put('priming', 'equipment', replaced(equipment, change.id, next));
  } else {
    return false; // a kind this version does not keep
  }
  await db.put('priming', 'manifest', await cachedManifestHash(db));
  return true;
}

/** Fetches the downloaded pricebook and its version; false when it does not match its hash (the cache keeps the old one). */
export async function rereadPricebook(db: DeviceStorage, api: ServerHttp): Promise<boolean> {
  const book = await api.call<{ items: PricebookItem[]; hash: string }>('GET', '/api/pricebook');
  if ((await sha256Hex(new TextEncoder().encode(JSON.stringify(book.items)))) !== book.hash) return false;
  await db.put('priming', 'pricebook', book.items);
  await db.put('priming', 'pricebookVersion', book.hash);
  return true;
}

/** The manifest hash of what the cache holds, computed as the server computes it. */
async function cachedManifestHash(db: DeviceStorage): Promise<string> {
  const [jobs, customers, equipment] = await Promise.all([db.get('priming', 'jobs'), db.get('priming', 'customers'), db.get('priming', 'equipment')]);
  return sha256Hex(new TextEncoder().encode(JSON.stringify({ jobs: jobs ?? [], customers: customers ?? [], equipment: equipment ?? [] })));
}
