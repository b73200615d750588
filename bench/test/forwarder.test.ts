import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { StepFigures } from '../src/load/fanout-rig';
import { SyncClient, type JobSession } from '../src/load/sync-client';
import { referenceNote, referenceRates, type Samples } from '../src/scenarios/fanout';
import { startForwarder } from '../src/servers/forwarder';
import type { RunningServer } from '../src/servers/server';

describe('the forwarder (the fan-out reference), on loopback', () => {
  let server: RunningServer | null = null;
  const clients: SyncClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server?.close();
    server = null;
  });

  /** A typist on `job` as the fan-out rig connects one (y-websocket's protocol), with what it received. */
  function typist(job: string): { session: JobSession; client: SyncClient; received: Uint8Array[]; doc: Y.Doc } {
    const client = new SyncClient({ url: `ws://127.0.0.1:${server!.port}/${job}`, dialect: 'y' });
    clients.push(client);
    const doc = new Y.Doc();
    const session = client.join(job, doc);
    const received: Uint8Array[] = [];
    session.applyRemote = false;
    session.onUpdate = (u) => received.push(u);
    return { session, client, received, doc };
  }

  it("lets the rig's typists sync, and sends each update to the job's other typists only, as sent", async () => {
    server = await startForwarder('/unused');
    const [a, b, c] = ['job-1', 'job-1', 'job-1'].map(typist);
    const other = typist('job-2');
    for (const t of [a!, b!, c!, other]) await t.client.waitInSync(t.session, 5000);
    // Each got the forwarder's step 2: an empty update (no structs, no deletes).
    for (const t of [a!, b!, c!, other]) expect(t.received.splice(0)).toEqual([Uint8Array.of(0, 0)]);

    let update: Uint8Array = new Uint8Array();
    a!.doc.on('update', (u: Uint8Array) => (update = u));
    a!.doc.getText('note').insert(0, 'k');
    a!.client.sendUpdate(a!.session, update);
    const deadline = Date.now() + 5000;
    while ((b!.received.length < 1 || c!.received.length < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));

    expect(b!.received).toEqual([update]);
    expect(c!.received).toEqual([update]);
    // A moment more for anything that should not come: no echo, nothing across jobs.
    await new Promise((r) => setTimeout(r, 100));
    expect(a!.received).toEqual([]);
    expect(other.received).toEqual([]);
  });
});

describe('where the fan-out reference runs, and what its runs say', () => {
  const runs = (rate: number, cpu: number, held = true, p99 = 20) =>
    [cpu, cpu, cpu].map((serverCpuPercent) => ({ rate, held, p99, serverCpuPercent, genLagP99: 5, sentPercent: 100, deliveredPercent: 100, socketErrors: 0 }) as StepFigures);

  it("runs at Outpost's highest held rate and at 1.5× the best peer's, once each, lowest first", () => {
    expect(referenceRates(9000, 10300)).toEqual([9000, 15450]);
    expect(referenceRates(15000, 10000)).toEqual([15000]);
    expect(referenceRates(0, 10300)).toEqual([15450]);
    expect(referenceRates(9000, NaN)).toEqual([9000]);
  });

  it("gives the core left per update at the target rate and Outpost's own cost per update beyond forwarding", () => {
    const samples: Samples = new Map([
      [
        'forwarder',
        new Map([
          [9000, runs(9000, 58)],
          [15450, runs(15450, 80)],
        ]),
      ],
      ['outpost', new Map([[9000, runs(9000, 92)]])],
    ]);
    const note = referenceNote(samples, 'forwarder', 9000, 15450);
    // (100 − 80) % of a core over 15,450 updates/s: 12.9 µs; (92 − 58) % over 9,000/s: 37.8 µs.
    expect(note).toContain('held 3 of 3 runs, p99 20 ms, with 80 % of the server core busy');
    expect(note).toContain('at most 12.9 µs of the core per update left');
    expect(note).toContain('~37.8 µs per update beyond forwarding');
  });

  it('names why the target rate was not held', () => {
    const lagging = runs(15450, 75, false).map((f) => ({ ...f, genLagP99: 80 }));
    const note = referenceNote(new Map([['forwarder', new Map([[15450, lagging]])]]), 'forwarder', 0, 15450);
    expect(note).toContain('held 0 of 3 runs (generator behind its plan)');
  });
});
