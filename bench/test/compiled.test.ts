import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeBuild, isDistStale } from '../src/harness/compiled';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A package directory with a source file and, when `built`, a dist/index.js; mtimes in seconds since the epoch. */
function pkg(times: { source: number; built?: number; config?: number }): string {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-compiled-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'src/relay'), { recursive: true });
  const file = (path: string, at: number) => {
    writeFileSync(join(dir, path), '');
    utimesSync(join(dir, path), at, at);
  };
  file('src/relay/relay.ts', times.source);
  if (times.config !== undefined) file('tsup.config.ts', times.config);
  if (times.built !== undefined) {
    mkdirSync(join(dir, 'dist'));
    file('dist/index.js', times.built);
  }
  // Directories carry the time of their last entry change; keep them out of the comparison.
  for (const d of ['', 'src', 'src/relay']) utimesSync(join(dir, d), 1000, 1000);
  return dir;
}

describe('the build a run measures', () => {
  it('rebuilds when dist is missing', () => {
    expect(isDistStale(pkg({ source: 2000 }))).toBe(true);
  });

  it('rebuilds when a source, however deep, is newer than dist', () => {
    expect(isDistStale(pkg({ source: 3000, built: 2000 }))).toBe(true);
  });

  it('rebuilds when a build setting is newer than dist', () => {
    expect(isDistStale(pkg({ source: 1500, config: 3000, built: 2000 }))).toBe(true);
  });

  it('measures dist as it is when it is newer than every source', () => {
    expect(isDistStale(pkg({ source: 1500, config: 1500, built: 2000 }))).toBe(false);
  });

  it('says which build is measured, and when the sources have uncommitted changes', () => {
    const line = describeBuild({ commit: 'abc123', dirty: true, distBuiltAt: '2026-11-26T16:00:00.000Z', rebuilt: false });
    expect(line).toContain('commit abc123 + uncommitted changes');
    expect(line).toContain('server dist built 2026-11-26T16:00:00.000Z');
  });
});
