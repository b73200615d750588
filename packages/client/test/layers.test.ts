/**
 * The client's folders import one way, down the layers in eslint/client-layers.js; `pnpm lint`
 * enforces it. These tests check the rule itself: that it refuses an arrow running back up or
 * across a layer, allows one running down, and knows every folder of packages/client/src (a new
 * folder left out of the layers would escape the rule).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { CLIENT_LAYERS } from '../../../eslint/client-layers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const src = fileURLToPath(new URL('../src/', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The layer-rule findings for `code` as if it were the file at `path` (relative to the repo root). */
async function layerFindings(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the client layer rule', () => {
  it('refuses an import that runs back up a layer', async () => {
    const findings = await layerFindings('packages/client/src/sync/probe.ts', "import { OutpostEngine } from '../engine/outpost';\nexport const e = OutpostEngine;\n");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toContain('client/sync may import only from lower client layers');
  });

  it('refuses an import between two folders of the same layer', async () => {
    const findings = await layerFindings('packages/client/src/outbox/probe.ts', "import type { HandoverStatus } from '../handover/job-access';\nexport type H = HandoverStatus;\n");
    expect(findings).toHaveLength(1);
  });

  it('refuses observable.ts importing any client folder', async () => {
    const findings = await layerFindings('packages/client/src/observable.ts', "import { newUuid } from './ids/device-crypto';\nexport const u = newUuid;\n");
    expect(findings).toHaveLength(1);
  });

  it('allows an import that runs down', async () => {
    expect(await layerFindings('packages/client/src/engine/probe.ts', "import { Outbox } from '../outbox/outbox';\nexport const o = Outbox;\n")).toEqual([]);
    expect(await layerFindings('packages/client/src/outbox/probe.ts', "import type { UnsentBlob } from '../blobs/blob-queue';\nexport type B = UnsentBlob;\n")).toEqual([]);
  });

  it('places every folder of packages/client/src in exactly one layer', () => {
    const folders = readdirSync(src, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const layered = CLIENT_LAYERS.flat();
    expect([...layered].sort()).toEqual(folders);
    expect(new Set(layered).size).toBe(layered.length);
  });
});
