/**
 * Issue 12 case 2: a relay socket the server refuses (4403 not assigned) is an answer, not
 * a silence. The job stops reconnecting, and the status keeps saying the server is there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebSocketLike } from '@outpost/client';
import { addNote, CHANNEL_ADDRESS, decodeOutpostMessage, DEVICE_CHANNEL_PATH, readJobFrame } from '@outpost/shared';
import { until, World } from './harness';

/**
 * A WebSocket that counts the times each job was joined: a socket opened on `/sync/:jobId`,
 * or a `subscribe` (or `subscribeWithChanges`) naming the job on the device channel.
 */
function countingWebSocket(counts: Map<string, number>): WebSocketLike {
  const count = (jobId: string) => counts.set(jobId, (counts.get(jobId) ?? 0) + 1);
  return class extends WebSocket {
    private readonly channel: boolean;
    constructor(url: string) {
      super(url);
      const path = new URL(url).pathname;
      this.channel = path === DEVICE_CHANNEL_PATH;
      if (!this.channel) count(decodeURIComponent(path.split('/').pop() ?? ''));
    }
    override send(data: Uint8Array, ...rest: unknown[]): void {
      if (this.channel) {
        const { jobId, message } = readJobFrame(new Uint8Array(data));
        const msg = jobId === CHANNEL_ADDRESS ? decodeOutpostMessage(message) : null;
        if (msg?.name === 'subscribe' || msg?.name === 'subscribeWithChanges') for (const id of msg.value.jobIds) count(id);
      }
      (super.send as (...a: unknown[]) => void)(data, ...rest);
    }
  } as unknown as WebSocketLike;
}

describe('a job whose socket the server refuses', () => {
  let world: World;
  afterEach(() => world.close());

  it('stops reconnecting that job and never reads as offline while the server answers', async () => {
    world = await World.start();
    const sockets = new Map<string, number>();
    const alice = await world.device('alice-phone', await world.link(), 'alice', { WebSocket: countingWebSocket(sockets) });
    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    const job = await alice.openJob('job-1001');
    await until('synced', () => job.synced);
    const states: string[] = [];
    alice.status.subscribe((s) => states.push(`${s.state}/${s.connected}`));

    await dana.submitOp('job-1001', { kind: 'assign', assignees: ['bob'] });
    await until('the assignment was applied', () => dana.outbox.list().sent.length === 1);
    await until('the job was refused', () => (sockets.get('job-1001') ?? 0) >= 1 && !job.synced);
    const afterRefusal = sockets.get('job-1001') ?? 0;
    // Ten catch-up periods (300 ms each in the harness): a retry loop would show here.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(sockets.get('job-1001')).toBe(afterRefusal);
    expect(alice.status.get()).toMatchObject({ connected: true, state: 'online' });
    expect(states.filter((s) => s.endsWith('/false'))).toEqual([]);

    // Signing in again (a new token) is a reason to try the job once more; still refused, still connected.
    alice.syncNow();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(sockets.get('job-1001')).toBe(afterRefusal);
    expect(alice.status.get().connected).toBe(true);
    job.close();
  });

  it('tries the job again once it is assigned to this technician again', async () => {
    world = await World.start();
    const sockets = new Map<string, number>();
    const alice = await world.device('alice-phone', await world.link(), 'alice', { WebSocket: countingWebSocket(sockets) });
    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    const job = await alice.openJob('job-1001');
    await until('synced', () => job.synced);
    await dana.submitOp('job-1001', { kind: 'assign', assignees: ['bob'] });
    await until('refused', () => alice.jobAccess('job-1001') !== null, 10_000);
    await dana.submitOp('job-1001', { kind: 'assign', assignees: ['alice'] });
    await until('reassigned', () => dana.outbox.list().sent.length === 2);
    await alice.priming.refresh();
    await until('the job synced again', () => job.synced, 10_000);
    expect(alice.jobAccess('job-1001')).toBeNull();
    job.close();
  });

  it('keeps work on a job the server does not have, says so, and still reads as connected', async () => {
    world = await World.start();
    const alice = await world.device('alice-phone', await world.link(), 'alice');
    const job = await alice.openJob('job-gone');
    addNote(job.doc, { id: 'n1', author: 'alice', createdAt: new Date().toISOString(), text: 'Typed on a job that is gone' });
    await until('the job was refused', () => alice.jobAccess('job-gone') !== null, 10_000);
    expect(alice.jobAccess('job-gone')).toMatchObject({ reason: 'gone', handover: { state: 'nothing' } });
    await until('the note counts as failed', () => alice.status.get().failed === 1);
    expect(alice.status.get()).toMatchObject({ connected: true, state: 'sync_failed', pending: 0 });
    expect(JSON.parse((await alice.exportUnsynced()).text).jobs[0].notes[0].text).toBe('Typed on a job that is gone');
    job.close();
  });
});
