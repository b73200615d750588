/**
 * A node alone (the in-process bus `startServer` makes when given none) publishes no
 * update or presence of its own: only its own rooms would receive them, and they ignore
 * their own node's. Each such event kept its commit's updates alive to the end of the turn,
 * copied and promoted by a young collection in it (bench/HISTORY.md, 29 Nov). Given a bus,
 * which other nodes may share, the node publishes both as before; control events
 * (revocation, job changes) go over the bus either way.
 */
import { addNote, readJob } from '@outpost/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { LocalBus, type BusEvent } from '../src/bus/bus';
import { TestDevice } from './support/ops';
import { api, login, startTestServer, until, type TestServer } from './support/server';

const JOB = 'job-1004';

function provider(server: TestServer, token: string): WebsocketProvider {
  return new WebsocketProvider(server.wsBase, JOB, new Y.Doc(), {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
}

describe('a node alone on its bus', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** Alice writes a note and sets a cursor; Bob sees both. Returns the kinds of event the node published meanwhile. */
  async function noteAndPresence(server: TestServer, published: BusEvent[]): Promise<string[]> {
    const a = provider(server, await login(server, 'alice'));
    const b = provider(server, await login(server, 'bob'));
    cleanups.push(
      () => a.destroy(),
      () => b.destroy(),
    );
    await until(() => a.synced && b.synced, 5000, 'sync');
    addNote(a.doc, { id: 'n-alone', author: 'alice', createdAt: '2030-01-01T10:00:00Z', text: 'Valve replaced' });
    a.awareness.setLocalStateField('cursor', 7);
    await until(() => readJob(b.doc).notes.some((n) => n.id === 'n-alone'), 5000, 'the note relayed');
    await until(() => b.awareness.getStates().get(a.doc.clientID)?.cursor === 7, 5000, 'presence relayed');
    // A control event still goes over the bus: Alice heads out (an op: jobChanged).
    const op = new TestDevice().op(JOB, { kind: 'transition', to: 'en_route' });
    const sent = await api(server, await login(server, 'alice'), `/api/jobs/${JOB}/ops`, { method: 'POST', body: op });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    await until(() => published.some((e) => e.kind !== 'update' && e.kind !== 'awareness'), 5000, 'a control event published');
    return [...new Set(published.map((e) => e.kind))].sort();
  }

  it('publishes no update or presence of its own, and still relays both and publishes control events', async () => {
    const published: BusEvent[] = [];
    const publish = LocalBus.prototype.publish;
    vi.spyOn(LocalBus.prototype, 'publish').mockImplementation(function (this: LocalBus, event: BusEvent) {
      published.push(event);
      return publish.call(this, event);
    });
    const server = await startTestServer();
    cleanups.push(() => server.dispose());
    const kinds = await noteAndPresence(server, published);
    expect(kinds).not.toContain('update');
    expect(kinds).not.toContain('awareness');
  });

  it('given a bus other nodes may share, publishes its updates and presence on it', async () => {
    const bus = new LocalBus();
    const published: BusEvent[] = [];
    const publish = bus.publish.bind(bus);
    bus.publish = (event) => (published.push(event), publish(event));
    const server = await startTestServer({ bus });
    cleanups.push(() => server.dispose());
    const kinds = await noteAndPresence(server, published);
    expect(kinds).toContain('update');
    expect(kinds).toContain('awareness');
  });
});
