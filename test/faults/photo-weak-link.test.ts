/**
 * Issue 16 item 7: a 1.2 MB photo through the weak link — 40 KB/s upstream, every
 * connection cut for 3 s after each 6 s of signal. A one-shot PUT needs 30 s of unbroken
 * link and so never finishes; the resumable upload keeps each chunk it got through.
 *
 * The time it took is printed against the 90 s target (speed is reported, not
 * asserted); the test's bound is only that the photo arrives whole.
 */
import 'fake-indexeddb/auto';
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutpost, type OutpostEngine } from '@outpost/client';
import { FaultProxy } from '../../test-support/fault-proxy';
import { JOBS, startOutpost, type Outpost } from './support/outpost';

type EngineOptions = Parameters<typeof createOutpost>[0];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a photo over a link that keeps dropping', () => {
  it('reaches the server whole at 40 KB/s with a 3 s cut after every 6 s, showing its progress on the way', async () => {
    const outpost: Outpost = await startOutpost();
    cleanups.push(() => outpost.stop());
    const proxy = await FaultProxy.start({ targetPort: outpost.server.port });
    cleanups.push(() => proxy.close());
    // The app's own timings (no test-sized catch-up interval): the figure is what a technician sees.
    const engine: OutpostEngine = createOutpost({
      serverUrl: proxy.url,
      deviceName: 'weak-link-phone',
      WebSocket: WebSocket as unknown as EngineOptions['WebSocket'],
    } as EngineOptions);
    cleanups.push(() => engine.destroy());
    await engine.ready;
    await engine.login('alice', 'outpost');

    proxy.upstreamBytesPerSecond = 40_000;
    const stopFlapping = proxy.flap(6_000, 3_000);
    cleanups.push(stopFlapping);

    const photo = randomBytes(1_200_000);
    const sha256 = createHash('sha256').update(photo).digest('hex');
    const seen: number[] = [];
    cleanups.push(engine.blobs.uploadProgress.subscribe((p) => p[sha256] !== undefined && seen.push(p[sha256]!)));
    const started = Date.now();
    await engine.blobs.putPhoto(JOBS.aliceOnly, photo, { kind: 'before', mime: 'image/jpeg' });

    await until(() => outpost.server.store.hasBlob(sha256), 240_000, 'the photo on the server');
    const seconds = (Date.now() - started) / 1000;
    stopFlapping();
    console.log(
      `[photo-weak-link] 1.2 MB photo on the server after ${seconds.toFixed(1)} s (target 90 s); ` +
        `${proxy.stats.partitions} cuts, ${proxy.stats.connections} connections, progress seen ${seen.slice(0, 6).join(', ')}… %`,
    );
    const stored = await outpost.server.store.getBlob(sha256);
    expect(Buffer.from(stored!.bytes).equals(photo)).toBe(true);
    expect(proxy.stats.partitions).toBeGreaterThan(1);
    // Progress moved forward through the cuts (it is never reset to zero by a drop).
    expect(seen.some((p) => p > 0 && p < 100)).toBe(true);
  });
});
