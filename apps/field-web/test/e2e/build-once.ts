/**
 * Builds the web app for the browser tests, once per source state: the output goes to
 * apps/field-web/dist (what `pnpm build` writes) with a stamp of the sources it came
 * from, so the three e2e files share one build and an unchanged tree is not rebuilt.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('../../', import.meta.url));
const repoDir = join(appDir, '../../');
const SOURCES = [
  join(appDir, 'src'),
  join(appDir, 'public'),
  join(appDir, 'index.html'),
  join(appDir, 'vite.config.ts'),
  join(repoDir, 'packages/shared/src'),
  join(repoDir, 'packages/client/src'),
];

function hashTree(hash: ReturnType<typeof createHash>, path: string, depth = 0): void {
  if (!existsSync(path) || depth > 12) return;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) if (!name.endsWith('.test.ts')) hashTree(hash, join(path, name), depth + 1);
  } else {
    hash.update(path).update(readFileSync(path));
  }
}

/** Builds the app if its sources changed since the last build; resolves to the dist dir. */
export async function buildOnce(): Promise<string> {
  const hash = createHash('sha256');
  for (const source of SOURCES) hashTree(hash, source);
  const stamp = hash.digest('hex');
  const outDir = join(appDir, 'dist');
  const stampFile = join(outDir, '.source-stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && existsSync(join(outDir, 'index.html'))) return outDir;
  const { build } = await import('vite');
  // Vitest sets NODE_ENV=test, which would give React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(appDir, 'vite.config.ts'), root: appDir, mode: 'production', logLevel: 'error', build: { outDir } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(stampFile, stamp);
  return outDir;
}
