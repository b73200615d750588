/**
 * Handover routes under /api: a technician hands over work on a job they were taken off;
 * dispatchers list, merge and discard it (service.ts).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../http/env';
import { parseWith, readJson } from '../http/errors';
import type { HandoverService } from './service';

const handoverSchema = z
  .object({
    handoverId: z.uuid(),
    deviceId: z.string().min(1).max(200),
    update: z.string().min(1),
  })
  .strict();

/** Handover routes (behind `requireUser`). */
export function handoverRoutes(handovers: HandoverService): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post('/jobs/:id/handover', async (c) => {
    const body = parseWith(handoverSchema, await readJson(c));
    const answer = await handovers.accept(c.req.param('id'), body, c.var.user);
    return c.json({ handover: answer.handover, duplicate: answer.duplicate }, answer.created ? 201 : 200);
  });
  app.get('/jobs/:id/handovers', async (c) => c.json(await handovers.forJob(c.req.param('id'), c.var.user)));
  app.get('/handovers', async (c) => c.json({ handovers: await handovers.parked(c.var.user) }));
  app.post('/handovers/:id/merge', async (c) => c.json({ handover: await handovers.merge(c.req.param('id'), c.var.user) }));
  app.post('/handovers/:id/discard', async (c) => c.json({ handover: await handovers.discard(c.req.param('id'), c.var.user) }));
  return app;
}
