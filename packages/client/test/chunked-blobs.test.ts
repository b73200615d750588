import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLOB_CHUNK_BYTES } from '../src/blobs/chunked-upload';
import { until, World } from './harness';

const BIG = new Uint8Array(Array.from({ length: 5 * BLOB_CHUNK_BYTES + 1234 }, (_, i) => (i * 7) % 253));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('large photos in resumable chunks', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it('resumes from the chunks the server already holds instead of starting over', async () => {
    const link = await world.link();
    const sent: number[] = [];
    let dropAfter = 3;
    // The link dies after three chunks went through; the next pass must not send those again.
    const flaky: typeof fetch = async (input, init) => {
      const m = /\/upload\/(\d+)\?/.exec(String(input));
      if (init?.method === 'PUT' && m) {
        if (dropAfter-- <= 0 && dropAfter > -2) throw new TypeError('network error');
        sent.push(Number(m[1]));
      }
      return fetch(input, init);
    };
    const phone = await world.device('alice-phone', link, 'alice', { fetch: flaky });
    const seen: number[] = [];
    phone.blobs.uploadProgress.subscribe((p) => p[sha(BIG)] !== undefined && seen.push(p[sha(BIG)]!));
    await phone.blobs.putPhoto('job-1001', BIG, { kind: 'before', mime: 'image/jpeg' });
    await until('the photo is uploaded', () => phone.blobs.pending() === 0, 30_000);
    expect(new Uint8Array((await world.server.store.getBlob(sha(BIG)))!.bytes)).toEqual(BIG);
    // Every offset went exactly once: nothing was resent from zero after the drop.
    expect(sent).toEqual([0, 1, 2, 3, 4, 5].map((i) => i * BLOB_CHUNK_BYTES));
    expect(seen.some((p) => p > 0 && p < 100)).toBe(true);
  });

  it('sends a large photo in one PUT to a server without resumable uploads', async () => {
    const link = await world.link();
    const oldServer: typeof fetch = async (input, init) =>
      /\/upload(\/|$)/.test(new URL(String(input)).pathname)
        ? new Response('{"error":{"code":"not_found","message":"Not found."}}', { status: 404, headers: { 'content-type': 'application/json' } })
        : fetch(input, init);
    const phone = await world.device('alice-phone', link, 'alice', { fetch: oldServer });
    await phone.blobs.putPhoto('job-1001', BIG, { kind: 'before', mime: 'image/jpeg' });
    await until('the photo is uploaded', () => phone.blobs.pending() === 0, 30_000);
    expect(await world.server.store.hasBlob(sha(BIG))).toBe(true);
  });
});
