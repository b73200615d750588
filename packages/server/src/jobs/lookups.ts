/**
 * Online look-ups beyond what devices download: search every customer, and the full
 * pricebook (special-order items too). Paged by an opaque cursor (the last id of the page);
 * technicians and dispatchers alike. The downloaded set (`/me/jobs`, `/pricebook`) stays
 * what works offline.
 */
import type { LookupPage } from '@outpost/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../http/env';
import { parseWith } from '../http/errors';
import type { SearchPage, Directory } from '../store/store';

/** Longest page a look-up answers. */
export const MAX_LOOKUP_PAGE = 50;

const lookupQuery = z
  .object({
    q: z.string().trim().max(100, 'at most 100 characters').default(''),
    cursor: z.string().min(1).max(128).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_LOOKUP_PAGE).default(20),
  })
  .strict();

/** Reads one page of `search`: asks for one more than the page to know whether another follows. */
async function page<T extends { id: string }>(query: unknown, search: (page: SearchPage) => Promise<T[]>): Promise<LookupPage<T>> {
  const { q, cursor, limit } = parseWith(lookupQuery, query);
  const found = await search({ q, after: cursor, limit: limit + 1 });
  const items = found.slice(0, limit);
  return { items, nextCursor: found.length > limit ? items[items.length - 1]!.id : null };
}

/** `GET /customers?q=&cursor=&limit=` and `GET /pricebook/search?q=&cursor=&limit=` (behind `requireUser`). */
export function lookupRoutes(store: Directory): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get('/customers', async (c) => c.json(await page(c.req.query(), (p) => store.searchCustomers(p))));
  app.get('/pricebook/search', async (c) => c.json(await page(c.req.query(), (p) => store.searchPricebook(p))));
  return app;
}
