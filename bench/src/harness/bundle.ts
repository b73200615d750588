/**
 * Bundles a bench/browser page for Chromium with the esbuild that ships with tsx, and
 * serves it from 127.0.0.1 (IndexedDB needs a real origin).
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bundles `bench/browser/<name>` into one ES module. */
export async function bundlePage(name: string): Promise<string> {
  const requireFromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
  // Only the part of esbuild's API used here is typed.
  const esbuild = requireFromTsx('esbuild') as { build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }> };
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const out = await esbuild.build({
    entryPoints: [fileURLToPath(new URL(`../../browser/${name}`, import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    tsconfig: join(root, 'tsconfig.json'),
    nodePaths: [join(root, 'packages/client/node_modules'), join(root, 'bench/node_modules')],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/**
 * Serves an empty page that loads `script`; returns its URL and how to stop serving. The
 * script is served as the field app's hashed assets are (packages/server/src/http/web-app.ts:
 * `immutable`), so a browser that loaded it before keeps it, and Chromium its compiled code,
 * as on a device that has run the app before; the page itself is `no-cache`, as the app's is.
 */
export async function servePage(script: string): Promise<{ url: string; close(): Promise<void> }> {
  const page = `<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>`;
  const server = http.createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=31536000, immutable' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-cache' }).end(page);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
