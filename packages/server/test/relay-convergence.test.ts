import { addNote, noteText, readJob } from '@outpost/shared';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { login, startTestServer, until, type TestServer } from './support/server';

function provider(server: TestServer, jobId: string, token: string, doc = new Y.Doc()): WebsocketProvider {
  return new WebsocketProvider(server.wsBase, jobId, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
}

function synced(p: WebsocketProvider): Promise<void> {
  return until(() => p.synced, 5000, 'provider sync');
}

describe('relay with stock y-websocket providers', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('merges concurrent edits from two devices, and a device joining after a restart gets the merged job from storage', async () => {
    let server = await startTestServer();
    const dataDir = server.dataDir;
    cleanups.push(() => server.dispose());
    const alice = await login(server, 'alice');
    const bob = await login(server, 'bob');
    const a = provider(server, 'job-1004', alice);
    const b = provider(server, 'job-1004', bob);
    cleanups.push(
      () => a.destroy(),
      () => b.destroy(),
    );
    await Promise.all([synced(a), synced(b)]);
    // The doc was loaded from storage before the first sync reply: the seeded meta is there.
    expect(readJob(a.doc).meta.title).toBe('Glycol chiller leak check');

    addNote(a.doc, { id: 'n-a', author: 'alice', createdAt: '2030-01-01T10:00:00Z', text: 'Leak at valve' });
    addNote(b.doc, { id: 'n-b', author: 'bob', createdAt: '2030-01-01T10:00:01Z', text: 'Brought dye' });
    const notes = (doc: Y.Doc) =>
      readJob(doc)
        .notes.map((n) => n.id)
        .sort();
    await until(() => notes(a.doc).length === 2 && notes(b.doc).length === 2, 5000, 'convergence');
    noteText(a.doc, 'n-b')!.insert(0, 'Alice: ');
    noteText(b.doc, 'n-b')!.insert(noteText(b.doc, 'n-b')!.length, '!');
    await until(() => noteText(a.doc, 'n-b')!.toString() === noteText(b.doc, 'n-b')!.toString() && noteText(a.doc, 'n-b')!.toString().length > 12);
    expect(noteText(a.doc, 'n-b')!.toString()).toBe('Alice: Brought dye!');
    expect(readJob(a.doc).notes).toEqual(readJob(b.doc).notes);

    a.destroy();
    b.destroy();
    await server.close();
    server = await startTestServer({ dataDir });
    const c = provider(server, 'job-1004', await login(server, 'alice'));
    cleanups.push(() => c.destroy());
    await synced(c);
    expect(readJob(c.doc).notes).toEqual(readJob(b.doc).notes);
    expect(readJob(c.doc).meta.title).toBe('Glycol chiller leak check');
  });

  it('stamps presence with the signed-in user, whatever the client claims', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.dispose());
    const a = provider(server, 'job-1004', await login(server, 'alice'));
    const b = provider(server, 'job-1004', await login(server, 'bob'));
    cleanups.push(
      () => a.destroy(),
      () => b.destroy(),
    );
    await Promise.all([synced(a), synced(b)]);
    a.awareness.setLocalStateField('user', { id: 'dana', name: 'Dana (not really)', role: 'dispatcher' });
    a.awareness.setLocalStateField('cursor', 3);
    await until(() => b.awareness.getStates().get(a.doc.clientID)?.cursor === 3, 5000, 'presence');
    expect(b.awareness.getStates().get(a.doc.clientID)?.user).toEqual({ id: 'alice', name: 'Alice Moreno', role: 'technician' });
  });
});
