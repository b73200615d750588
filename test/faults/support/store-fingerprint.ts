/**
 * A fingerprint of everything a request could have stored: jobs and their workflow state,
 * every op log, job doc logs, users, customers, equipment, the pricebook, and the blobs a table tried to write.
 * Equal before and after = nothing stored.
 */
import type { Store } from '@outpost/server';

/** See the module comment. */
export async function storeFingerprint(store: Store, blobHashes: readonly string[] = []): Promise<string> {
  const jobs = await store.listJobs();
  const perJob = await Promise.all(
    jobs.map(async (j) => {
      const doc = await store.loadJobDoc(j.id);
      const docBytes = (doc.snapshot?.length ?? 0) + doc.updates.reduce((n, u) => n + u.length, 0);
      return { id: j.id, ops: (await store.listOps(j.id)).map((o) => o.opId), docBytes, updates: doc.updates.length };
    }),
  );
  const users = (await store.listUsers()).map((u) => `${u.id}:${u.role}:${u.passwordHash}`);
  const customers = (await store.listCustomers()).map((c) => JSON.stringify(c));
  const equipment = (await store.listEquipment()).map((e) => JSON.stringify(e));
  const pricebook = (await store.listPricebook()).map((i) => JSON.stringify(i));
  const blobs = await Promise.all(blobHashes.map(async (h) => `${h}:${(await store.getBlob(h)) !== null}`));
  return JSON.stringify({ jobs, perJob, users, customers, equipment, pricebook, blobs });
}
