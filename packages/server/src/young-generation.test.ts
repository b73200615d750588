import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RECOMMENDED_SEMI_SPACE_MB, semiSpaceMb, youngGenerationAdvice } from './young-generation';

describe('young generation advice', () => {
  it('reads --max-semi-space-size from the flags node started with, or from NODE_OPTIONS', () => {
    expect(semiSpaceMb([])).toBeNull();
    expect(semiSpaceMb(['--expose-gc', '--max-semi-space-size=64'])).toBe(64);
    expect(semiSpaceMb(['--max-semi-space-size', '32'])).toBe(32);
    expect(semiSpaceMb([], '--enable-source-maps --max_semi_space_size=128')).toBe(128);
    // NODE_OPTIONS is read after the flags, as node applies it.
    expect(semiSpaceMb(['--max-semi-space-size=16'], '--max-semi-space-size=64')).toBe(64);
  });

  it('advises the flag when the server runs with less, and says nothing with it', () => {
    expect(youngGenerationAdvice(null)).toContain(`--max-semi-space-size=${RECOMMENDED_SEMI_SPACE_MB}`);
    expect(youngGenerationAdvice(16)).toContain('running with --max-semi-space-size=16');
    expect(youngGenerationAdvice(RECOMMENDED_SEMI_SPACE_MB)).toBeNull();
    expect(youngGenerationAdvice(128)).toBeNull();
  });

  it('is what this package starts the server with', async () => {
    const bin = await readFile(new URL('../bin/outpost-server.js', import.meta.url), 'utf8');
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
    expect(semiSpaceMb(bin.split('\n')[0]!.split(/\s+/))).toBe(RECOMMENDED_SEMI_SPACE_MB);
    expect(semiSpaceMb(pkg.scripts.start.split(/\s+/))).toBe(RECOMMENDED_SEMI_SPACE_MB);
  });
});
