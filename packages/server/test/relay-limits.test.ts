import { addNote, readJob, writeServerState } from '@outpost/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { issueToken } from '../src/index';
import { connectRelay, type RelayClient } from './support/relay-client';
import { login, startTestServer, until, type TestServer } from './support/server';

function awarenessFrame(awareness: awarenessProtocol.Awareness, client: number): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [client]));
  return encoding.toUint8Array(e);
}

const note =
  (id: string, text = id) =>
  (d: Y.Doc) =>
    addNote(d, { id, author: 'alice', createdAt: '2030-01-01T00:00:00Z', text });

describe('relay validation and limits', () => {
  let server: TestServer;
  let alice: string;
  const clients: RelayClient[] = [];
  const connect = async (jobId: string, token: string | null, opts?: { acks?: boolean; waitSynced?: boolean }) => {
    const c = await connectRelay(server.wsBase, jobId, token, opts);
    clients.push(c);
    return c;
  };
  const setup = async (limits = {}) => {
    server = await startTestServer({ limits });
    alice = await login(server, 'alice');
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.dispose();
  });

  /** A bystander on the same job: still connected and still receiving after a refusal. */
  async function expectBystanderUnaffected(bystander: RelayClient): Promise<void> {
    const other = await connect('job-1004', alice);
    other.edit(note('after-refusal'));
    await until(() => readJob(bystander.doc).notes.some((n) => n.id === 'after-refusal'), 5000, 'bystander still relayed');
    expect(bystander.closeCode).toBeNull();
  }

  it('closes with 4413 a frame over the size limit, and applies none of it', async () => {
    await setup({ maxFrameBytes: 2048 });
    const bob = await connect('job-1004', await login(server, 'bob'));
    const sender = await connect('job-1004', alice);
    sender.edit(note('big', 'x'.repeat(4096)));
    expect(await sender.closedWithin()).toBe(4413);
    expect(sender.errors[0]?.code).toBe('too_large');
    await expectBystanderUnaffected(bob);
    expect(readJob(bob.doc).notes.map((n) => n.id)).toEqual(['after-refusal']);
  });

  it('closes with 4400 a malformed frame, and applies nothing', async () => {
    await setup();
    const bob = await connect('job-1004', await login(server, 'bob'));
    const sender = await connect('job-1004', alice);
    sender.sendRaw(new Uint8Array([0, 2, 200, 1, 2, 3])); // an update whose length runs past the frame
    expect(await sender.closedWithin()).toBe(4400);
    expect(sender.errors[0]?.code).toBe('bad_message');
    await expectBystanderUnaffected(bob);
  });

  it('closes with 4400 an update that is not a Yjs update', async () => {
    await setup();
    const sender = await connect('job-1001', alice);
    sender.sendUpdate(new Uint8Array([255, 255, 255, 255, 1, 2, 3]));
    expect(await sender.closedWithin()).toBe(4400);
  });

  it('refuses with 4403 an update that writes the server-owned map: not applied, not stored, not relayed', async () => {
    await setup();
    const bob = await connect('job-1004', await login(server, 'bob'));
    const sender = await connect('job-1004', alice);
    sender.edit((d) => writeServerState(d, { status: 'completed', version: 99, assignees: ['alice'], changedBy: 'alice', changedAt: null }, 'client'));
    expect(await sender.closedWithin()).toBe(4403);
    expect(sender.errors[0]).toMatchObject({ code: 'server_owned' });
    await expectBystanderUnaffected(bob);
    expect(readJob(bob.doc).server?.status).toBe('scheduled');
    const fresh = await connect('job-1004', alice);
    expect(readJob(fresh.doc).server).toMatchObject({ status: 'scheduled', version: 1 });
  });

  it('refuses with 4400 an update that writes a root the job schema does not have', async () => {
    await setup();
    const bob = await connect('job-1004', await login(server, 'bob'));
    const sender = await connect('job-1004', alice);
    sender.edit((d) => d.getMap('secrets').set('x', 1));
    expect(await sender.closedWithin()).toBe(4400);
    expect(sender.errors[0]?.code).toBe('unknown_root');
    await expectBystanderUnaffected(bob);
    expect(bob.doc.share.has('secrets')).toBe(false);
  });

  it('refuses with 4400 an update that skips earlier changes of its own client, and acks nothing for it', async () => {
    await setup();
    const bob = await connect('job-1004', await login(server, 'bob'));
    const sender = await connect('job-1004', alice);
    const acked = sender.ackedUpTo;
    const offline = new Y.Doc();
    offline.getMap('signature').set('signer', 'Pat');
    const before = Y.encodeStateVector(offline);
    offline.getMap('signature').set('by', 'alice'); // the writer's own stamp: allowed by the field rules
    sender.sendUpdate(Y.encodeStateAsUpdate(offline, before)); // the second write only: its clock starts after a gap
    expect(await sender.closedWithin()).toBe(4400);
    expect(sender.errors[0]?.code).toBe('unresolved_update');
    expect(sender.ackedUpTo).toBe(acked);
    await expectBystanderUnaffected(bob);
    expect(bob.doc.getMap('signature').size).toBe(0);
  });

  it('closes with 4429 a socket that sends faster than the rate limit', async () => {
    await setup({ messagesPerSecond: 5, messageBurst: 10 });
    const bob = await connect('job-1004', await login(server, 'bob'));
    const sender = await connect('job-1004', alice);
    for (let i = 0; i < 30 && sender.closeCode === null; i++) sender.sendStep1();
    expect(await sender.closedWithin()).toBe(4429);
    expect(sender.errors[0]?.code).toBe('rate_limited');
    expect(bob.closeCode).toBeNull();
  });

  it('ignores a socket’s attempt to change another person’s presence', async () => {
    await setup();
    const a = await connect('job-1004', alice);
    a.awareness.setLocalState({ cursor: 1 });
    a.sendRaw(awarenessFrame(a.awareness, a.doc.clientID));
    const bob = await connect('job-1004', await login(server, 'bob'));
    await until(() => bob.awareness.getStates().has(a.doc.clientID), 5000, 'presence');
    // Bob replays alice's client id with a newer clock and a null state: "alice left".
    const forged = new awarenessProtocol.Awareness(new Y.Doc());
    forged.setLocalState(null);
    forged.meta.set(a.doc.clientID, { clock: 99, lastUpdated: Date.now() });
    bob.sendRaw(awarenessFrame(forged, a.doc.clientID));
    const watcher = await connect('job-1004', alice);
    await new Promise((r) => setTimeout(r, 100));
    expect(watcher.awareness.getStates().get(a.doc.clientID)).toMatchObject({ cursor: 1, user: { id: 'alice' } });
    expect(bob.closeCode).toBeNull();
    forged.destroy();
  });

  it('closes with 4429 a socket that introduces more presences than one device has, relaying none of the extras', async () => {
    await setup({ maxPresencesPerSocket: 4 });
    const bob = await connect('job-1004', await login(server, 'bob'));
    const sender = await connect('job-1004', alice);
    // Made-up client ids, as a flooding device would send them: first within the cap, then past it.
    const fake = new awarenessProtocol.Awareness(new Y.Doc());
    const frameFor = (ids: number[]) => {
      for (const id of ids) fake.meta.set(id, { clock: 1, lastUpdated: Date.now() });
      for (const id of ids) fake.states.set(id, { pad: id });
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(fake, ids));
      return encoding.toUint8Array(e);
    };
    sender.sendRaw(frameFor([1001, 1002, 1003]));
    await until(() => bob.awareness.getStates().has(1003), 5000, 'presences within the cap');
    sender.sendRaw(frameFor([1003, 1004])); // one already held plus one new: four in all
    await until(() => bob.awareness.getStates().has(1004), 5000, 'fourth presence');
    expect(sender.closeCode).toBeNull();
    sender.sendRaw(frameFor([2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008]));
    expect(await sender.closedWithin()).toBe(4429);
    expect(sender.errors[0]?.code).toBe('rate_limited');
    await new Promise((r) => setTimeout(r, 100));
    expect([...bob.awareness.getStates().keys()].filter((id) => id >= 2001 && id <= 2008)).toEqual([]);
    expect(bob.closeCode).toBeNull();
    fake.destroy();
  });

  it('closes with 4401 a socket with no token, a forged token or an expired token', async () => {
    await setup();
    const none = await connect('job-1001', null, { waitSynced: false });
    const forged = await connect('job-1001', await issueToken({ id: 'alice', username: 'alice', name: 'A', role: 'technician', passwordHash: '' }, 'wrong-secret'), {
      waitSynced: false,
    });
    const expired = await connect('job-1001', await issueToken({ id: 'alice', username: 'alice', name: 'A', role: 'technician', passwordHash: '' }, server.secret, -10), {
      waitSynced: false,
    });
    expect(await none.closedWithin()).toBe(4401);
    expect(await forged.closedWithin()).toBe(4401);
    expect(await expired.closedWithin()).toBe(4401);
    expect(expired.errors[0]?.code).toBe('token_expired');
    expect(none.synced || forged.synced || expired.synced).toBe(false);
  });

  it('closes an open socket with 4401 when its token expires', async () => {
    await setup();
    const shortLived = await issueToken({ id: 'alice', username: 'alice', name: 'Alice Moreno', role: 'technician', passwordHash: '' }, server.secret, 2);
    const c = await connect('job-1001', shortLived);
    expect(c.closeCode).toBeNull();
    expect(await c.closedWithin(4000)).toBe(4401);
    expect(c.errors[0]?.code).toBe('token_expired');
  });

  it('closes with 4403 a technician on a job not assigned to them, and with 4404 an unknown job', async () => {
    await setup();
    const c = await connect('job-1002', alice, { waitSynced: false });
    expect(await c.closedWithin()).toBe(4403);
    expect(c.errors[0]?.code).toBe('not_assigned');
    expect(readJob(c.doc).meta).toEqual({});
    const missing = await connect('job-9999', alice, { waitSynced: false });
    expect(await missing.closedWithin()).toBe(4404);
    const dispatcher = await connect('job-1002', await login(server, 'dana'));
    expect(dispatcher.closeCode).toBeNull();
  });

  it('unloads the job a refused socket made load while its access was checked', async () => {
    // The access check and the job's load run at once (a cold open waits for one round trip, not two).
    await setup({ idleUnloadMs: 20 });
    const refused = await connect('job-1002', alice, { waitSynced: false });
    expect(await refused.closedWithin()).toBe(4403);
    const missing = await connect('job-9999', alice, { waitSynced: false });
    expect(await missing.closedWithin()).toBe(4404);
    await until(() => !server.relay.isLoaded('job-1002') && !server.relay.isLoaded('job-9999'), 5000, 'the refused jobs unloaded');
    expect(server.relay.loadedCount).toBe(0);
  });
});
