/**
 * The office's reference-data writes under /api (dispatcher only), each pushed to the
 * devices concerned (reference-data.ts):
 * `PUT /customers/:id`, `PUT /equipment/:id`, `PUT /pricebook/items/:id`; and
 * `GET /equipment/:id`, the one record a device re-reads when told it changed.
 */
import { OutpostError } from '@outpost/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { requireDispatcher, type ApiEnv } from '../http/env';
import { parseWith, readJson } from '../http/errors';
import type { Store } from '../store/store';
import type { ReferenceData } from './reference-data';

const id = z.string().min(1).max(128);
const text = (max: number) => z.string().max(max);

const customerSchema = z.object({ name: text(200).min(1), phone: text(64), email: text(200), address: text(500), notes: text(2000).optional() }).strict();
const equipmentSchema = z
  .object({ customerId: id, jobIds: z.array(id).max(500), kind: text(100), make: text(100), model: text(100), serial: text(100), refrigerant: text(32) })
  .strict();
const pricebookItemSchema = z
  .object({ sku: text(64).min(1), description: text(500).min(1), unitPriceCents: z.number().int().min(0).max(100_000_000), category: text(100), active: z.boolean().optional() })
  .strict();

/** Reference-data routes (behind `requireUser`). */
export function referenceRoutes(store: Store, reference: ReferenceData): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.put('/customers/:id', async (c) => {
    requireDispatcher(c.var.user);
    const customer = { id: parseWith(id, c.req.param('id')), ...parseWith(customerSchema, await readJson(c)) };
    await reference.putCustomer(customer);
    return c.json({ customer });
  });

  app.get('/equipment/:id', async (c) => {
    const [found] = await store.listEquipment({ ids: [c.req.param('id')] });
    if (!found) throw new OutpostError('not_found', 'No such equipment.');
    const user = c.var.user;
    if (user.role !== 'technician') return c.json({ equipment: found });
    // A technician sees the equipment of their own jobs, and only which of their jobs it is on.
    // The equipment's few jobs are looked up, not every job of the technician's.
    const jobs = await Promise.all(found.jobIds.map((j) => store.getJob(j)));
    const jobIds = jobs.flatMap((j) => (j?.assignees.includes(user.userId) ? [j.id] : []));
    if (jobIds.length === 0) throw new OutpostError('not_assigned', 'None of your jobs has this equipment.');
    return c.json({ equipment: { ...found, jobIds } });
  });

  app.put('/equipment/:id', async (c) => {
    requireDispatcher(c.var.user);
    const equipment = { id: parseWith(id, c.req.param('id')), ...parseWith(equipmentSchema, await readJson(c)) };
    if (!(await store.getCustomer(equipment.customerId))) throw new OutpostError('validation_failed', `customerId: no customer ${equipment.customerId}.`);
    for (const jobId of equipment.jobIds) {
      if (!(await store.getJob(jobId))) throw new OutpostError('validation_failed', `jobIds: no job ${jobId}.`);
    }
    await reference.putEquipment(equipment);
    return c.json({ equipment });
  });

  app.put('/pricebook/items/:id', async (c) => {
    requireDispatcher(c.var.user);
    const item = { id: parseWith(id, c.req.param('id')), ...parseWith(pricebookItemSchema, await readJson(c)) };
    await reference.putPricebookItems([item]);
    return c.json({ item });
  });

  return app;
}
