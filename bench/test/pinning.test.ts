import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { currentPinning, PAUSED_SERVER_FLAGS, SERVER_NODE_FLAGS, serverLauncher } from '../src/harness/pinning';

describe('how server processes are launched', () => {
  it("gives every server, pinned or not, the young generation Outpost's start command passes", () => {
    expect(SERVER_NODE_FLAGS).toContain('--max-semi-space-size=64');
    // Not set up here: the run is unpinned, and the flags still go to node.
    expect(currentPinning().pinned).toBe(false);
    const launcher = serverLauncher();
    expect(launcher.execPath).toBe(process.execPath);
    expect(launcher.prefix).toEqual([...SERVER_NODE_FLAGS, ...PAUSED_SERVER_FLAGS]);
  });

  it("turns V8's memory reducer off in every server, which the bench pauses between its steps", () => {
    expect(serverLauncher().prefix).toContain('--no-memory-reducer');
  });

  it('passes the same flag as the published bin', async () => {
    const bin = await readFile(new URL('../../packages/server/bin/outpost-server.js', import.meta.url), 'utf8');
    for (const flag of SERVER_NODE_FLAGS) expect(bin.split('\n')[0]).toContain(flag);
  });
});
