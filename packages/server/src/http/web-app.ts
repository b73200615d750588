/**
 * Serves the built web app (apps/field-web/dist) with SPA fallback to index.html for any
 * path that is not the API, the relay or an operations endpoint. Files are served by
 * `serveStatic` from @hono/node-server (streaming, MIME types, refusal of `..` and encoded
 * paths); this module adds the fallback and the cache rules. When the app is not built, a
 * small page says how to build it.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's root, from src/http/ (run from source) or dist/ (the build bundles this module into dist/). */
const here = fileURLToPath(new URL('.', import.meta.url));
const packageRoot = basename(here) === 'dist' ? resolve(here, '..') : resolve(here, '../..');

/** Where the built web app lives in this checkout (packages/server → apps/field-web/dist). */
export const DEFAULT_WEB_DIR = resolve(packageRoot, '../../apps/field-web/dist');

/** Hashed build output never changes under its name; everything else is revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Outpost</title>
<h1>Outpost server is running</h1><p>The web app is not built yet: run <code>pnpm build</code> at the repository root, then reload.</p>`;

/** A handler serving `webDir` with SPA fallback. */
export function webAppHandler(webDir: string = DEFAULT_WEB_DIR): MiddlewareHandler {
  const root = resolve(webDir);
  const index = join(root, 'index.html');
  const files = serveStatic({ root });
  const app = serveStatic({ path: index });
  const notFound = async () => undefined;
  return async (c, next) => {
    if (!existsSync(index)) return c.html(NOT_BUILT);
    // Set before serving: the header is part of the response serveStatic builds.
    c.header('cache-control', c.req.path.startsWith('/assets/') ? IMMUTABLE : 'no-cache');
    const file = await files(c, notFound);
    if (file) return file;
    c.header('cache-control', 'no-cache');
    return app(c, next);
  };
}
