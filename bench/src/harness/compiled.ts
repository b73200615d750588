/**
 * The benchmark's child processes (servers under test, scale-out nodes) run compiled
 * JavaScript, not TypeScript through the tsx loader: a process start is then Node loading
 * JS, as in production (`outpost-server` runs `dist/`), rather than tsx compiling the
 * server's sources each of the ~70 times a run starts a server.
 *
 * Once per run, before the first child: `@outpost/shared` and `@outpost/server` are built
 * with their own `tsup` when any of their sources is newer than their `dist/` (or `dist/`
 * is missing), so a stale build is never measured; then the child entries
 * (`harness/child.ts`, `harness/scale-node.ts`) are bundled with esbuild into
 * `bench/.build/children/`, with every package import left to Node: `@outpost/server`
 * resolves to its `dist/` (no `development` condition), the peers to their own packages.
 * The same server code and configuration are measured; only the loader differs.
 * `describeBuild()` says which build is measured (commit, dirty sources, dist build time).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Three levels below the root, as `src/servers/`: relative URLs in the bundled files (hocuspocus.ts) still resolve. */
const OUT_DIR = join(ROOT, 'bench/.build/children');
const PACKAGES = ['shared', 'server'] as const;
const isStale = (pkg: string) => isDistStale(join(ROOT, 'packages', pkg));

/** The compiled child entries. */
export interface CompiledChildren {
  /** `harness/child.ts` bundled: one benchmarked server per process. */
  child: string;
  /** `harness/scale-node.ts` bundled: one scale-out node. */
  scaleNode: string;
  /** Which build is measured, in words (printed at start, recorded in the results). */
  build: BuildInfo;
}

/** Which build of the server a run measures. */
export interface BuildInfo {
  commit: string;
  /** Uncommitted changes under packages/shared or packages/server (the measured code is the working tree). */
  dirty: boolean;
  /** When `packages/server/dist/index.js` was written. */
  distBuiltAt: string;
  /** Whether this run rebuilt dist (it was missing or older than a source). */
  rebuilt: boolean;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Whether the package in `dir` has a dist/index.js missing or older than any of its sources or build settings. */
export function isDistStale(dir: string): boolean {
  const built = join(dir, 'dist/index.js');
  if (!existsSync(built)) return true;
  const sources = Math.max(newestMtime(join(dir, 'src')), ...['package.json', 'tsup.config.ts', 'tsconfig.build.json'].map((f) => newestMtime(join(dir, f))));
  return sources > statSync(built).mtimeMs;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

async function bundle(entry: string, name: string): Promise<string> {
  const requireFromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
  // Only the part of esbuild's API used here is typed.
  const esbuild = requireFromTsx('esbuild') as { build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }> };
  const out = await esbuild.build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Not the root tsconfig: its `paths` point @outpost/* at src/, which would bundle the sources.
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
    logLevel: 'silent',
  });
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, name);
  // Written aside and renamed: a second run in this checkout never starts a half-written file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, out.outputFiles[0]!.text);
  renameSync(tmp, file);
  return file;
}

let compiled: Promise<CompiledChildren> | undefined;

/** Builds stale packages and bundles the child entries, once per process. */
export function compiledChildren(log: (line: string) => void = () => undefined): Promise<CompiledChildren> {
  compiled ??= (async () => {
    const stale = PACKAGES.filter(isStale);
    if (stale.length) {
      log(`  building ${PACKAGES.map((p) => `@outpost/${p}`).join(' and ')}: the dist of ${stale.join(', ')} is missing or older than its sources`);
      // Shared first: the server's dist imports shared's dist.
      for (const pkg of PACKAGES) execFileSync('pnpm', ['--filter', `@outpost/${pkg}`, 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    const stillStale = PACKAGES.filter(isStale);
    if (stillStale.length) throw new Error(`dist of ${stillStale.join(', ')} is still older than its sources after building`);
    const [child, scaleNode] = await Promise.all([bundle('./child.ts', 'child.mjs'), bundle('./scale-node.ts', 'scale-node.mjs')]);
    const build: BuildInfo = {
      commit: git(['rev-parse', '--short=12', 'HEAD']) || 'unknown',
      dirty: git(['status', '--porcelain', '--', 'packages/shared', 'packages/server']) !== '',
      distBuiltAt: statSync(join(ROOT, 'packages/server/dist/index.js')).mtime.toISOString(),
      rebuilt: stale.length > 0,
    };
    return { child, scaleNode, build };
  })();
  return compiled;
}

/** "commit 1a2b3c4d5e6f (+ uncommitted server changes), dist built 2026-11-26T16:30:00Z (rebuilt now)". */
export function describeBuild(b: BuildInfo): string {
  return `commit ${b.commit}${b.dirty ? ' + uncommitted changes in packages/shared or packages/server' : ''}, server dist built ${b.distBuiltAt}${b.rebuilt ? ' (rebuilt by this run)' : ' (up to date with its sources)'}`;
}
