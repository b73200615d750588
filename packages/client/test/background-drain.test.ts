/**
 * The service worker's drain (`drainInBackground`, issue 16 item 4) against a real server:
 * a device's work queued offline, the app closed, then the worker drains the same device
 * database over HTTP.
 *
 * - Content before ops: a status step whose job content the server refused is held on the
 *   device — not sent ahead of that content — while another job's step goes.
 * - 429 is "later", never a refusal: with a tiny write budget the server answers
 *   `429 rate_limited` again and again, and every note, step and photo still arrives.
 */
import { addNote } from '@outpost/shared';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { drainInBackground, type BackgroundReport, type OutpostEngine } from '@outpost/client';
import { until, World, type NetworkLink } from './harness';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A fetch that passes everything through and remembers each request's method, path and answer. */
function recordingFetch(seen: { method: string; path: string; status: number }[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    seen.push({ method: init?.method ?? 'GET', path: new URL(String(input)).pathname, status: res.status });
    return res;
  };
}

async function noteOffline(engine: OutpostEngine, jobId: string, text: string): Promise<void> {
  const job = await engine.openJob(jobId);
  addNote(job.doc, { id: `note-${jobId}-${text.length}`, author: 'alice', createdAt: new Date().toISOString(), text });
}

interface JobOnServer {
  job: { status: string };
  content: { notes: { text: string }[]; photos: { id: string }[] };
}

describe('draining with the app closed (the service worker path)', () => {
  let world: World;
  afterEach(() => world.close());

  /** Alice's phone with her jobs synced, then the network cut. */
  async function aliceOffline(jobIds: string[]): Promise<{ alice: OutpostEngine; link: NetworkLink; deviceName: string }> {
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    for (const id of jobIds) await (await alice.openJob(id)).whenSynced();
    link.cut();
    return { alice, link, deviceName: `alice-phone@${world.id}` };
  }

  /** The job as the office reads it from the server. */
  async function jobOnServer(jobId: string): Promise<JobOnServer> {
    const login = await fetch(`${world.server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dana', password: 'outpost' }),
    });
    const { token } = (await login.json()) as { token: string };
    return (await (await fetch(`${world.server.url}/api/jobs/${jobId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as JobOnServer;
  }

  it("holds a status step behind its job's content the server refused, while another job's step goes", async () => {
    // The big note cannot fit in a job of 20 KB; the small one can.
    world = await World.start({ limits: { maxJobBytes: 20_000 } });
    const { alice, link, deviceName } = await aliceOffline(['job-1001', 'job-1003']);
    await noteOffline(alice, 'job-1003', 'Gate code 4411');
    await alice.submitOp('job-1003', { kind: 'transition', to: 'en_route' });
    await noteOffline(alice, 'job-1001', 'x'.repeat(30_000));
    const held = await alice.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    await alice.flush();
    await world.stop(alice);
    link.restore();

    const seen: { method: string; path: string; status: number }[] = [];
    const report = await drainInBackground({ serverUrl: link.url, deviceName, indexedDB, fetch: recordingFetch(seen) });
    expect(seen.find((r) => r.path === '/api/jobs/job-1001/updates')?.status).toBe(413);
    // Never sent ahead of the content it depends on.
    expect(seen.filter((r) => r.path === '/api/jobs/job-1001/ops')).toEqual([]);
    expect(report).toMatchObject({ content: 1, ops: 1, held: 1, stopped: 'done' });
    expect((await jobOnServer('job-1003')).job.status).toBe('en_route');
    expect((await jobOnServer('job-1001')).job.status).toBe('scheduled');

    // Nothing was dropped, tried or flagged: the step and its content wait on the device.
    link.cut();
    const again = await world.device('alice-phone', link);
    const queued = again.outbox.list().queued;
    expect(queued.map((i) => i.opId)).toEqual([held.opId]);
    expect(queued[0]).toMatchObject({ attempts: 0, state: 'queued' });
    expect(queued[0]!.error).toBeUndefined();
    await until('the refused content is still pending on the device', () => again.status.get().pending >= 2);
  });

  it('keeps every note, step and photo through repeated 429 rate_limited answers, and gets them all to the server', async () => {
    // Two writes at once and two a second: the drain must run into 429 before it is through.
    world = await World.start({ limits: { httpWritesPerSecond: 2, httpWriteBurst: 2 } });
    const jobIds = ['job-1001', 'job-1003', 'job-1006'];
    const { alice, link, deviceName } = await aliceOffline(jobIds);
    for (const id of jobIds) await noteOffline(alice, id, `Arrived at ${id}`);
    await alice.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    await alice.submitOp('job-1003', { kind: 'transition', to: 'en_route' });
    const photo = new Uint8Array(Array.from({ length: 5000 }, (_, i) => (i * 13) % 251));
    await alice.blobs.putPhoto('job-1006', photo, { kind: 'before', mime: 'image/jpeg' });
    await alice.flush();
    await world.stop(alice);
    link.restore();

    const seen: { method: string; path: string; status: number }[] = [];
    const reports: BackgroundReport[] = [];
    const drain = async () => {
      reports.push(await drainInBackground({ serverUrl: link.url, deviceName, indexedDB, fetch: recordingFetch(seen) }));
      return reports.at(-1)!;
    };
    // The worker is woken again while a drain says "later" (the sync event failed).
    await until('a drain that leaves nothing for later', async () => (await drain()).stopped === 'done', 90_000);
    expect(reports[0]!.stopped).toBe('retry_later');
    expect(seen.some((r) => r.status === 429)).toBe(true);
    expect(reports.every((r) => r.stopped === 'done' || r.stopped === 'retry_later')).toBe(true);

    for (const id of jobIds) {
      const server = await jobOnServer(id);
      expect(server.content.notes.map((n) => n.text)).toContain(`Arrived at ${id}`);
      if (id !== 'job-1006') expect(server.job.status).toBe('en_route');
    }
    expect(new Uint8Array((await world.server.store.getBlob(sha(photo)))!.bytes)).toEqual(photo);

    link.cut();
    const again = await world.device('alice-phone', link);
    expect(again.outbox.list()).toMatchObject({ queued: [], errors: [], conflicts: [] });
    expect(again.blobs.pending()).toBe(0);
    await until('nothing pending on the device', () => again.status.get().pending === 0);
  });
});
