/**
 * Serves the built web app (apps/field-web/dist) with SPA fallback to index.html for any
 * path that is not the API, the relay or an operations endpoint. When the app is not
 * built, a small page says how to build it.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

/** Where the built web app lives in this checkout. */
export const DEFAULT_WEB_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../apps/field-web/dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Outpost</title>
<h1>Outpost server is running</h1><p>The web app is not built yet: run <code>pnpm build</code> at the repository root, then reload.</p>`;

async function fileIn(dir: string, path: string): Promise<string | null> {
  const full = normalize(join(dir, decodeURIComponent(path)));
  if (full !== dir && !full.startsWith(dir + sep)) return null;
  try {
    return (await stat(full)).isFile() ? full : null;
  } catch {
    return null;
  }
}

/** A handler serving `webDir` with SPA fallback. */
export function webAppHandler(webDir: string = DEFAULT_WEB_DIR): (c: Context) => Promise<Response> {
  const dir = resolve(webDir);
  return async (c) => {
    const index = join(dir, 'index.html');
    if (!existsSync(index)) return c.html(NOT_BUILT);
    let file: string | null = null;
    try {
      file = await fileIn(dir, new URL(c.req.url).pathname);
    } catch {
      file = null; // a malformed %-escape falls back to the app
    }
    const path = file ?? index;
    const type = TYPES[extname(path)] ?? 'application/octet-stream';
    const immutable = file !== null && file.includes(`${sep}assets${sep}`);
    return c.body(new Uint8Array(await readFile(path)), 200, {
      'content-type': type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  };
}
