import { addNote, noteText } from '@outpost/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { connectRelay, type RelayClient } from './support/relay-client';
import { login, startTestServer, until, type TestServer } from './support/server';

describe('durable acks under a burst', () => {
  let server: TestServer | null = null;
  let client: RelayClient | null = null;
  afterEach(async () => {
    await client?.close();
    await server?.dispose();
  });

  it('acks a burst of keystrokes with a few cumulative acks, in order, up to the last one', async () => {
    server = await startTestServer({ limits: { groupCommitMs: 20 } });
    client = await connectRelay(server.wsBase, 'job-1001', await login(server, 'alice'));
    const c = client;
    await until(() => c.ackedUpTo >= 1, 5000, 'step 2 acked');
    c.edit((doc) => addNote(doc, { id: 'n1', author: 'alice', createdAt: '2030-01-01T00:00:00.000Z' }));
    for (let i = 0; i < 50; i++) c.edit((doc) => noteText(doc, 'n1')!.insert(i, 'k'));
    await until(() => c.ackedUpTo >= 52, 5000, 'every keystroke acked');
    const acks = c.received.filter((m) => m.name === 'durableAck').map((m) => (m.value as { upTo: number }).upTo);
    expect(acks).toEqual([...acks].sort((a, b) => a - b));
    expect(new Set(acks).size).toBe(acks.length);
    expect(acks.at(-1)).toBe(52);
    expect(acks.length).toBeLessThan(10);
  });
});
