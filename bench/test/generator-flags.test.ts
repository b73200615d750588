import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { emptyGeneratorYoungGeneration, GENERATOR_NODE_FLAGS, heapOutgrew, missingGeneratorFlags } from '../src/harness/generator-flags';
import { SERVER_NODE_FLAGS } from '../src/harness/pinning';

describe("the load generator's node flags", () => {
  it('gives the generator the young generation every server gets', () => {
    for (const flag of SERVER_NODE_FLAGS) expect(GENERATOR_NODE_FLAGS).toContain(flag);
  });

  it('finds the flags on the command line or in NODE_OPTIONS, and names what is missing', () => {
    expect(missingGeneratorFlags([], '')).toEqual(GENERATOR_NODE_FLAGS);
    expect(missingGeneratorFlags(['--import', 'tsx', ...GENERATOR_NODE_FLAGS])).toEqual([]);
    expect(missingGeneratorFlags([], `--inspect ${GENERATOR_NODE_FLAGS.join(' ')}`)).toEqual([]);
  });

  it('collects between steps only once the heap has outgrown what was live at the last collection by half', () => {
    expect(heapOutgrew(675e6, 450e6)).toBe(false);
    expect(heapOutgrew(676e6, 450e6)).toBe(true);
    expect(heapOutgrew(5e9, 0)).toBe(false); // no collection yet: nothing known to compare with
  });

  it('empties the young generation with a young collection, not a full one, and does nothing without gc exposed', () => {
    const g = globalThis as { gc?: unknown };
    const exposed = g.gc;
    const calls: unknown[] = [];
    try {
      g.gc = (options: unknown) => calls.push(options);
      emptyGeneratorYoungGeneration();
      expect(calls).toEqual([{ type: 'minor' }]);
      delete g.gc;
      expect(() => emptyGeneratorYoungGeneration()).not.toThrow();
    } finally {
      g.gc = exposed;
    }
  });

  it('is what `pnpm bench` starts node with', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { bench: string } };
    expect(missingGeneratorFlags(pkg.scripts.bench.split(' '))).toEqual([]);
  });
});
