import { addNote, readJob } from '@outpost/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectRelay, type RelayClient } from './support/relay-client';
import { login, startTestServer, until, type TestServer } from './support/server';

const JOB = 'job-1001';

function note(doc: Y.Doc, id: string): void {
  addNote(doc, { id, author: 'bob', createdAt: '2030-01-01T00:00:00Z', text: id });
}

describe('changes that wait for earlier ones', () => {
  let server: TestServer;
  const clients: RelayClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.dispose();
  });

  it("keeps another node's update that arrived before the one it follows, while a device writes meanwhile", async () => {
    server = await startTestServer();
    const token = await login(server, 'alice');
    const device = await connectRelay(server.wsBase, JOB, token);
    clients.push(device);
    await until(() => device.ackedUpTo === 1);

    // Another node's device wrote two notes; the bus brings the second commit first.
    const elsewhere = new Y.Doc();
    Y.applyUpdate(elsewhere, Y.encodeStateAsUpdate(device.doc));
    const start = Y.encodeStateVector(elsewhere);
    note(elsewhere, 'first elsewhere');
    const first = Y.encodeStateAsUpdate(elsewhere, start);
    const middle = Y.encodeStateVector(elsewhere);
    note(elsewhere, 'second elsewhere');
    const second = Y.diffUpdate(Y.encodeStateAsUpdate(elsewhere), middle);
    await server.bus.publish({ kind: 'update', jobId: JOB, node: 'other-node', update: second });

    // This node's device writes while that update waits for the one it follows.
    device.edit((d) => addNote(d, { id: 'here', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'here' }));
    await until(() => device.ackedUpTo === 2 || device.closeCode !== null, 5000, 'the ack');
    expect(device.closeCode, 'the device is not refused for what another node sent').toBeNull();

    await server.bus.publish({ kind: 'update', jobId: JOB, node: 'other-node', update: first });
    await until(() => readJob(device.doc).notes.length === 3, 5000, 'both notes from elsewhere relayed').catch(() => undefined);
    expect(
      readJob(device.doc)
        .notes.map((n) => n.text)
        .sort(),
    ).toEqual(['first elsewhere', 'here', 'second elsewhere']);
  });
});
