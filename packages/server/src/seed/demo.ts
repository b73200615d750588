/**
 * The demo seed: technicians alice and bob, dispatcher dana (password `outpost`), six
 * customers with equipment, a dozen jobs over today and tomorrow (server local time) and
 * a pricebook. Written only into an empty store, so restarts keep what people did.
 */
import { hashPassword } from '../auth/password';
import { createJob } from '../jobs/create';
import { startOfLocalDay } from '../jobs/summary';
import type { Directory, DocLog } from '../store/store';
import { DEMO_CHECKLIST, DEMO_CUSTOMERS, DEMO_EQUIPMENT, DEMO_JOBS, DEMO_PRICEBOOK, DEMO_USERS } from './demo-data';

/** The password of every demo account. */
export const DEMO_PASSWORD = 'outpost';

/** Seeds the demo into `store` unless it already has users; true when it seeded. */
export async function seedDemo(store: DocLog & Directory, now = new Date()): Promise<boolean> {
  if ((await store.listUsers()).length > 0) return false;
  for (const customer of DEMO_CUSTOMERS) await store.putCustomer(customer);
  await store.putPricebookItems(DEMO_PRICEBOOK);
  const today = startOfLocalDay(now);
  const jobIds: string[] = [];
  for (const [i, t] of DEMO_JOBS.entries()) {
    const start = new Date(today.getFullYear(), today.getMonth(), today.getDate() + t.day, t.hour);
    const end = new Date(start.getTime() + t.hours * 3_600_000);
    const customer = DEMO_CUSTOMERS.find((c) => c.id === t.customerId)!;
    const job = await createJob(
      store,
      {
        id: `job-${1001 + i}`,
        title: t.title,
        customerId: t.customerId,
        siteAddress: customer.address,
        windowStart: start.toISOString(),
        windowEnd: end.toISOString(),
        assignees: t.assignees,
        checklist: DEMO_CHECKLIST,
      },
      'dana',
      now,
    );
    jobIds.push(job.id);
  }
  // Each job's first updates folded into its snapshot now, so a fresh demo starts the way a
  // clean stop leaves a store: no log for start-up to mistake for what a killed process left.
  for (const jobId of jobIds) await store.compactJobDoc(jobId);
  for (const [i, [customerId, kind, make, model, refrigerant]] of DEMO_EQUIPMENT.entries()) {
    const servicing = DEMO_JOBS.flatMap((t, j) => (t.customerId === customerId ? [jobIds[j]!] : []));
    await store.putEquipment({
      id: `eq-${101 + i}`,
      customerId,
      jobIds: servicing,
      kind,
      make,
      model,
      serial: `SN${(740_000 + i * 1373).toString(36).toUpperCase()}`,
      refrigerant,
    });
  }
  // Users last: their presence marks the seed as complete. One hash (so one salt) each:
  // a shared salt would let one precomputation serve every account.
  for (const u of DEMO_USERS) await store.putUser({ id: u.id, username: u.id, name: u.name, role: u.role, passwordHash: await hashPassword(DEMO_PASSWORD) });
  return true;
}
