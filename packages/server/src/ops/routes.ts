/**
 * `POST /api/jobs/:id/ops` (submit a workflow op), `POST /api/ops` (a device's queued ops
 * in one batch), `GET /api/jobs/:id/ops` (the job's audit history) and
 * `GET /api/jobs/:id/requests` (requests raised from the job, with their state).
 */
import { opBatchSchema, OutpostError, workflowOpSchema } from '@outpost/shared';
import { Hono } from 'hono';
import type { ApiEnv } from '../http/env';
import { parseWith, readJson } from '../http/errors';
import { jobFor } from '../jobs/access';
import type { Directory, OpLog } from '../store/store';
import { submitBatch } from './batch';
import { requestsFrom } from './requests';
import type { OpService } from './service';

/** Op routes under /api (behind `requireUser`). */
export function opRoutes(store: OpLog & Directory, ops: OpService): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post('/jobs/:id/ops', async (c) => {
    const op = parseWith(workflowOpSchema, await readJson(c));
    if (op.jobId !== c.req.param('id')) throw new OutpostError('validation_failed', 'jobId: the body names a different job than the path.');
    await c.var.hooks.mayAct(store, c.var.user, op.jobId);
    return c.json({ result: await ops.submit(op, c.var.user) });
  });
  app.post('/ops', async (c) => {
    const { ops: batch } = parseWith(opBatchSchema, await readJson(c));
    return c.json({ answers: await submitBatch(batch, c.var.user, ops) });
  });
  app.get('/jobs/:id/ops', async (c) => {
    const job = await jobFor(store, c.var.user, c.req.param('id'), c.var.hooks);
    return c.json({ ops: await store.listOps(job.id) });
  });
  app.get('/jobs/:id/requests', async (c) => {
    const job = await jobFor(store, c.var.user, c.req.param('id'), c.var.hooks);
    return c.json({ requests: await requestsFrom(store, job.id) });
  });
  return app;
}
