/**
 * One copy of vitest in the workspace. `@outpost/client` and `@outpost/server` list vitest as
 * an optional peer (for their `/testing` kits); when the importers see different optional
 * peers of vite (esbuild 0.27 through tsup at the root, 0.28 in the packages), pnpm installs
 * vitest twice, and a kit's `describe`/`it` would register with a copy the runner never reads.
 * The root pins the same esbuild as the packages so every importer resolves the same vitest.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const lockfile = readFileSync(new URL('../../pnpm-lock.yaml', import.meta.url), 'utf8');

describe('the workspace lockfile', () => {
  it('resolves vitest to one installed copy for every package', () => {
    const copies = lockfile.match(/^ {2}vitest@[^:\n]*\(.*:$/gm) ?? [];
    expect(copies, copies.join('\n')).toHaveLength(1);
  });
});
