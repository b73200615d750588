/**
 * Job and reference-data routes: priming (`/me/jobs`), one job with its content,
 * customers, equipment, pricebook, and the dispatcher's job creation and board.
 */
import { OutpostError, readJob } from '@outpost/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { publicUser } from '../auth/routes';
import { requireDispatcher, type ApiEnv } from '../http/env';
import { parseWith, readJson } from '../http/errors';
import type { JobDocs } from '../relay/job-docs';
import type { Directory, DocLog, OpLog } from '../store/store';
import { jobFor } from './access';
import { jobCreatedNotices } from '../relay/device-notices';
import { createJob } from './create';
import { closedAfter } from './current';
import { reviewRoutes } from './review';
import { downloadedPricebook, pricebookVersion } from '../reference/pricebook-version';
import { jobSummary, primingPayload } from './summary';

const isoDate = z.iso.datetime({ offset: true });

const newJobSchema = z
  .object({
    title: z.string().min(1).max(200),
    customerId: z.string().min(1).max(128),
    siteAddress: z.string().min(1).max(500),
    windowStart: isoDate,
    windowEnd: isoDate,
    assignees: z.array(z.string().min(1).max(128)).max(50),
    checklist: z
      .array(z.object({ label: z.string().min(1).max(200), required: z.boolean() }).strict())
      .max(100)
      .optional(),
  })
  .strict()
  .refine((j) => Date.parse(j.windowEnd) > Date.parse(j.windowStart), { message: 'windowEnd must be after windowStart', path: ['windowEnd'] });

const daysSchema = z.coerce.number().int().min(1).max(14);

/**
 * Days a closed job (completed, cancelled) stays on the dispatcher's board after its window
 * ended. Open jobs stay whatever their window (overdue work is still work).
 */
export const BOARD_CLOSED_DAYS = 7;

/** Routes under /api (behind `requireUser`). */
export function jobRoutes(store: DocLog & OpLog & Directory, relay: JobDocs): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.route('/', reviewRoutes(store, relay));

  app.get('/me/jobs', async (c) => {
    const days = parseWith(daysSchema, c.req.query('days') ?? '2');
    return c.json(await primingPayload(store, c.var.user, days));
  });

  app.get('/jobs/:id', async (c) => {
    const job = await jobFor(store, c.var.user, c.req.param('id'), c.var.hooks);
    const room = await relay.acquire(job.id);
    try {
      return c.json({ job: jobSummary(job), content: readJob(room.doc) });
    } finally {
      relay.release(room);
    }
  });

  app.get('/customers/:id', async (c) => {
    const customer = await store.getCustomer(c.req.param('id'));
    if (!customer) throw new OutpostError('not_found', 'No such customer.');
    const user = c.var.user;
    if (user.role === 'technician') {
      const mine = await store.listJobs({ assignee: user.userId, customerId: customer.id });
      if (mine.length === 0) throw new OutpostError('not_assigned', 'None of your jobs is for this customer.');
    }
    return c.json({ customer });
  });

  app.get('/equipment', async (c) => {
    const jobId = c.req.query('job');
    if (!jobId) throw new OutpostError('validation_failed', 'The "job" query parameter is required.');
    await jobFor(store, c.var.user, jobId, c.var.hooks);
    return c.json({ equipment: await store.listEquipment({ jobId }) });
  });

  app.get('/pricebook', async (c) => {
    // Devices download the active items; special-order items are found by the online search.
    const all = await store.listPricebook();
    return c.json({ items: downloadedPricebook(all), hash: pricebookVersion(all) });
  });

  app.post('/jobs', async (c) => {
    requireDispatcher(c.var.user);
    const body = parseWith(newJobSchema, await readJson(c));
    for (const id of body.assignees) {
      const user = await store.getUser(id);
      if (user?.role !== 'technician') throw new OutpostError('validation_failed', `assignees: ${id} is not a technician.`);
    }
    const job = await createJob(store, body, c.var.user.userId);
    relay.notifyDevices(jobCreatedNotices(job.id, job));
    return c.json({ job: jobSummary(job) }, 201);
  });

  app.get('/board', async (c) => {
    requireDispatcher(c.var.user);
    // Open work, and what closed within BOARD_CLOSED_DAYS: not every job the company ever had.
    const jobs = (await store.listJobs({ closedAfter: closedAfter(BOARD_CLOSED_DAYS) })).map(jobSummary);
    const technicians = (await store.listUsers()).filter((u) => u.role === 'technician').map(publicUser);
    return c.json({ jobs, technicians });
  });

  return app;
}
