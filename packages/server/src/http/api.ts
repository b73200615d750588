/**
 * The whole HTTP surface as one Hono app: /api, /healthz, /metrics and the web app.
 * `/sync` is handled on the HTTP server's upgrade event (see app.ts); a plain GET there
 * answers 426.
 */
import { OutpostError } from '@outpost/shared';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { LoginLimits } from '../auth/login-throttle';
import { authRoutes } from '../auth/routes';
import { lookupRoutes } from '../jobs/lookups';
import { handoverRoutes } from '../handover/routes';
import type { ReferenceData } from '../reference/reference-data';
import { referenceRoutes } from '../reference/routes';
import type { HandoverService } from '../handover/service';
import { jobRoutes } from '../jobs/routes';
import { requireMetricsAccess, type MetricsAccess } from '../metrics/access';
import type { ServerMetrics } from '../metrics/metrics';
import { processMetrics } from '../metrics/process-metrics';
import { opRoutes } from '../ops/routes';
import type { OpService } from '../ops/service';
import type { RelayLimits } from '../relay/context';
import type { Relay } from '../relay/relay';
import type { Store } from '../store/store';
import { BlobAccess } from './blob-access';
import { blobRoutes } from './blobs';
import { jobUpdateRoutes } from '../jobs/update-route';
import { requireUser, type ApiEnv } from './env';
import { onError } from './errors';
import { jsonOnly } from './json-only';
import { webAppHandler } from './web-app';
import { limitLookups, limitWrites, RequestBudget } from './request-budget';
import type { Hooks } from '../hooks/hooks';

/** Largest JSON request body (blobs have their own limit). */
export const MAX_JSON_BYTES = 1024 * 1024;

/** What the HTTP app is built from. */
export interface ApiDeps {
  store: Store;
  relay: Relay;
  ops: OpService;
  handovers: HandoverService;
  /** Reference-data writes that push to devices. */
  reference: ReferenceData;
  metrics: ServerMetrics;
  secret: string;
  /** Authentication and job access (the team's `ServerHooks`, else the demo's). */
  hooks: Hooks;
  webDir?: string;
  tokenTtlSeconds?: number;
  /** Failed sign-in budgets and the password-check bound. */
  loginLimits?: Partial<LoginLimits>;
  /** Who may read /metrics (metrics/access.ts). */
  metricsAccess: MetricsAccess;
  /** The HTTP write and look-up budgets and the cap on unfinished uploads (the rest is the relay's). */
  limits: Pick<RelayLimits, 'httpWritesPerSecond' | 'httpWriteBurst' | 'lookupsPerSecond' | 'lookupBurst' | 'maxOpenUploadsPerUser' | 'uploadIdleMs'>;
}

/** Builds the HTTP app. */
export function buildApi(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.onError(onError);
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/metrics', requireMetricsAccess(deps.metricsAccess), async (c) =>
    c.text(deps.metrics.render() + (await processMetrics().metrics()), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }),
  );

  const api = new Hono<ApiEnv>();
  const jsonLimit = bodyLimit({
    maxSize: MAX_JSON_BYTES,
    onError: () => {
      throw new OutpostError('too_large', `Request bodies are limited to ${MAX_JSON_BYTES} bytes.`);
    },
  });
  // Blobs carry raw bytes with their own type and size checks (blobs.ts).
  const exceptBlobs =
    (handler: MiddlewareHandler): MiddlewareHandler =>
    (c, next) =>
      c.req.path.startsWith('/api/blobs/') ? next() : handler(c, next);
  api.use('*', exceptBlobs(jsonOnly()));
  api.use('*', exceptBlobs(jsonLimit));
  api.route('/', authRoutes(deps.store, deps.secret, { tokenTtlSeconds: deps.tokenTtlSeconds, loginLimits: deps.loginLimits, metrics: deps.metrics, hooks: deps.hooks }));
  api.use('*', requireUser(deps.hooks));
  // Every write a device can repeat (content, ops, blobs, chunks, handovers) spends one, and so
  // does every online search (request-budget.ts).
  api.use('*', limitWrites(new RequestBudget(deps.limits.httpWritesPerSecond, deps.limits.httpWriteBurst)));
  const lookups = limitLookups(new RequestBudget(deps.limits.lookupsPerSecond, deps.limits.lookupBurst));
  api.use('/customers', lookups);
  api.use('/pricebook/search', lookups);
  api.route('/', lookupRoutes(deps.store));
  api.route('/', jobRoutes(deps.store, deps.relay));
  api.route('/', jobUpdateRoutes(deps.store, deps.relay));
  api.route('/', opRoutes(deps.store, deps.ops));
  api.route('/', handoverRoutes(deps.handovers));
  api.route('/', referenceRoutes(deps.store, deps.reference));
  api.route('/', blobRoutes(deps.store, new BlobAccess(deps.store, deps.relay), { maxOpen: deps.limits.maxOpenUploadsPerUser, idleMs: deps.limits.uploadIdleMs }));
  app.route('/api', api);
  app.all('/api/*', () => {
    throw new OutpostError('not_found', 'No such API route.');
  });
  app.all('/sync/*', (c) => c.json(new OutpostError('bad_request', 'Connect with a websocket.').toBody(), 426));

  const web = webAppHandler(deps.webDir);
  app.get('*', web);
  return app;
}
