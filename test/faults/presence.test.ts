import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awarenessFrame } from './support/frames';
import { DEMO, JOBS, startOutpost, type Outpost } from './support/outpost';
import { RelayClient } from '../../test-support/relay-client';
import { until } from './support/devices';

let outpost: Outpost;
beforeAll(async () => {
  outpost = await startOutpost();
});
afterAll(async () => {
  await outpost?.stop();
});

/** An awareness update for one client id, with any clock and state. */
function claim(clientId: number, clock: number, state: unknown): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, clientId);
  encoding.writeVarUint(e, clock);
  encoding.writeVarString(e, JSON.stringify(state));
  return awarenessFrame(encoding.toUint8Array(e));
}

type Presence = { user?: { id?: string; role?: string }; editingNoteId?: string } | undefined;

describe('presence cannot be forged', () => {
  it('shows the signed-in user on every presence, whatever the client claims', async () => {
    const join = (who: keyof typeof DEMO) => RelayClient.connect({ baseUrl: outpost.url, jobId: JOBS.shared, token: outpost.token(DEMO[who]) });
    const [bob, dana] = await Promise.all([join('bob'), join('dana')]);
    await Promise.all([bob.whenSynced, dana.whenSynced]);
    bob.setPresence({ user: { id: 'dana', name: 'Dana', role: 'dispatcher' }, editingNoteId: 'n1' });
    await until('dana sees bob', () => (dana.awareness.getStates().get(bob.doc.clientID) as Presence)?.editingNoteId === 'n1', 5000);
    expect((dana.awareness.getStates().get(bob.doc.clientID) as Presence)?.user).toMatchObject({ id: 'bob', role: 'technician' });
    await Promise.all([bob.close(), dana.close()]);
  });

  // A socket may speak only for the client ids it introduced; anything else would let one
  // person erase or rewrite another's presence.
  it("lets nobody overwrite another person's presence", async () => {
    const join = (who: keyof typeof DEMO) => RelayClient.connect({ baseUrl: outpost.url, jobId: JOBS.shared, token: outpost.token(DEMO[who]) });
    const [alice, bob, dana] = await Promise.all([join('alice'), join('bob'), join('dana')]);
    await Promise.all([alice.whenSynced, bob.whenSynced, dana.whenSynced]);
    alice.setPresence({ editingNoteId: 'alice-note' });
    const aliceId = alice.doc.clientID;
    await until('dana sees alice', () => (dana.awareness.getStates().get(aliceId) as Presence)?.editingNoteId === 'alice-note', 5000);

    const clock = alice.awareness.meta.get(aliceId)!.clock;
    bob.sendRaw(claim(aliceId, clock + 10, { editingNoteId: 'hijacked' }));
    bob.sendRaw(claim(aliceId, clock + 11, null));
    await new Promise((r) => setTimeout(r, 300));
    const seen = dana.awareness.getStates().get(aliceId) as Presence;
    expect(seen?.editingNoteId).toBe('alice-note');
    expect(seen?.user?.id).toBe('alice');
    await Promise.all([alice.close(), bob.close(), dana.close()]);
  });

  // One signed-in device once sent 100 frames of 400 made-up ids and every other person on
  // the job received 40,000 presence entries. A real client has one id per doc: the relay
  // caps the ids a socket may introduce (4) and refuses the socket with 4429 beyond it.
  it('keeps one socket from flooding everyone with made-up presences', async () => {
    const [dana, alice] = await Promise.all([
      RelayClient.connect({ baseUrl: outpost.url, jobId: JOBS.aliceOnly, token: outpost.token(DEMO.dana) }),
      RelayClient.connect({ baseUrl: outpost.url, jobId: JOBS.aliceOnly, token: outpost.token(DEMO.alice) }),
    ]);
    await Promise.all([dana.whenSynced, alice.whenSynced]);
    let id = 1_000_000;
    for (let f = 0; f < 100 && alice.open; f++) {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 400);
      for (let i = 0; i < 400; i++) {
        encoding.writeVarUint(e, id++);
        encoding.writeVarUint(e, 1);
        encoding.writeVarString(e, JSON.stringify({ pad: 'p'.repeat(100) }));
      }
      alice.sendRaw(awarenessFrame(encoding.toUint8Array(e)));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const fromAlice = [...dana.awareness.getStates().values()].filter((s) => (s as Presence)?.user?.id === 'alice').length;
    expect(fromAlice).toBeLessThanOrEqual(16);
    await Promise.all([alice.close(), dana.close()]);
  });
});
