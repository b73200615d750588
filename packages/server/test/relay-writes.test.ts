/**
 * The frames one commit sends a `/sync` socket leave in one write. A commit settles every
 * change it held at once: a socket whose job-mates typed several of them got one frame per
 * change, each a system call and a TCP segment of its own; under load (where commits grow)
 * the `writev` calls were a third of the relay's main-thread time. `TickCork` now holds a
 * `/sync` socket's frames until the tick ends, as it did only for device channels.
 */
import { addNote, noteText } from '@outpost/shared';
import { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectRelay, type RelayClient } from './support/relay-client';
import { login, startTestServer, until, type TestServer } from './support/server';

const SHARED = 'job-1004';

/** Bytes in one `_writeGeneric(writev, data)` call: a buffer, or a list of chunks. */
function bytesOf(writev: boolean, data: unknown): number {
  if (!writev) return (data as Uint8Array).length;
  return (data as ({ chunk: Uint8Array } | Uint8Array)[]).reduce((n, c) => n + ('chunk' in c ? c.chunk : c).length, 0);
}

/**
 * Counts the writes (system calls) made on each server-side socket until `stop()`, but for
 * keep-alive pings (a 2-byte frame from the server), which are not the relay's.
 */
function countServerWrites(): { perSocket: Map<Socket, number>; stop(): void } {
  const perSocket = new Map<Socket, number>();
  const proto = Socket.prototype as unknown as { _writeGeneric: (...args: unknown[]) => unknown };
  const original = proto._writeGeneric;
  proto._writeGeneric = function (this: Socket & { server?: unknown }, ...args: unknown[]) {
    if (this.server && bytesOf(args[0] as boolean, args[1]) > 2) perSocket.set(this, (perSocket.get(this) ?? 0) + 1);
    return original.apply(this, args);
  };
  return { perSocket, stop: () => void (proto._writeGeneric = original) };
}

describe('relay writes', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function member(server: TestServer, user: string): Promise<RelayClient> {
    const client = await connectRelay(server.wsBase, SHARED, await login(server, user));
    cleanups.push(() => client.close());
    return client;
  }

  it("sends a socket the frames of one commit (its job-mate's keystrokes) in one write", async () => {
    // A commit collects for 50 ms: Alice's ten keystrokes, sent at once, land in one.
    const server = await startTestServer({ limits: { groupCommitMs: 50 } });
    cleanups.push(() => server.dispose());
    const alice = await member(server, 'alice');
    const bob = await member(server, 'bob');
    alice.edit((d) => addNote(d, { id: 'n1', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: '' }));
    await until(() => noteText(bob.doc, 'n1') !== undefined, 5000, 'the note reached Bob');
    await until(() => alice.ackedUpTo >= alice.contentSent, 5000, "Alice's note acked");

    const writes = countServerWrites();
    cleanups.push(() => writes.stop());
    for (let i = 0; i < 10; i++) alice.edit((d) => noteText(d, 'n1')!.insert(i, 'k'));
    await until(() => noteText(bob.doc, 'n1')?.toString() === 'kkkkkkkkkk', 5000, 'every keystroke reached Bob');
    await until(() => alice.ackedUpTo >= alice.contentSent, 5000, 'every keystroke acked');
    writes.stop();

    // Bob's socket got ten update frames, Alice's one ack: one write each (ten and one before).
    const counts = [...writes.perSocket.values()].sort((a, b) => b - a);
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts[0]).toBe(1);
  });
});
