import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNote, JOB_ROOTS } from '@outpost/shared';
import { divergence, missingNotes } from './support/checks';
import { fuzzRelay } from './support/fuzzer';
import { closesWithin, frameHeader, rawUpgrade } from './support/raw-ws';
import { DEMO, JOBS } from './support/outpost';
import { scaled, withSeed } from './support/seed';
import { until } from '../../test-support/until';
import { ServerProcess } from './support/server-process';
import { RelayClient } from '../../test-support/relay-client';
import { ChannelClient } from '../../test-support/channel-client';
import { tokenFor } from './support/tokens';

const isJobRoot = (name: string) => Object.hasOwn(JOB_ROOTS, name);
const FRAMES = scaled(100_000, 1_000_000);
const CHANNEL_FRAMES = scaled(30_000, 300_000);
const MiB = 1024 * 1024;
const secret = 'relay-fuzz-secret';
let dataDir: string;
let server: ServerProcess;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'outpost-fuzz-'));
  server = await ServerProcess.start({ dataDir, secret });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('relay under hostile frames', () => {
  it(
    `survives ${FRAMES} hostile frames from several sockets while well-behaved clients on the job keep syncing`,
    async () => {
      await withSeed('relay fuzz', async (rng) => {
        const token = (who: keyof typeof DEMO, kind: 'valid' | 'expired' | 'forged' = 'valid') => tokenFor(kind, DEMO[who], secret);
        const alice = await RelayClient.connect({ baseUrl: server.url, jobId: JOBS.shared, token: token('alice') });
        const bob = await RelayClient.connect({ baseUrl: server.url, jobId: JOBS.shared, token: token('bob') });
        await Promise.all([alice.whenSynced, bob.whenSynced]);
        const baselineRss = server.rssBytes();
        let peakRss = baselineRss;
        const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.running ? server.rssBytes() : 0)), 250);

        // Well-behaved: each types a note every ~50 ms and waits for its durable ack.
        const written: string[] = [];
        let fuzzing = true;
        const typist = async (c: RelayClient, who: string) => {
          for (let i = 0; fuzzing && i < 100_000; i++) {
            const id = `${who}-${i}`;
            const n = c.edit((doc) => addNote(doc, { id, author: who, createdAt: new Date().toISOString(), text: `${who} still here` }));
            written.push(id);
            await c.durable(n, 15_000);
            await new Promise((r) => setTimeout(r, 50));
          }
        };
        const typing = Promise.all([typist(alice, 'alice'), typist(bob, 'bob')]);
        const tally = await fuzzRelay({
          baseUrl: server.url,
          jobId: JOBS.shared,
          tokens: [token('alice'), token('bob'), token('dana'), token('alice', 'expired'), token('dana', 'forged'), undefined],
          rng,
          frames: FRAMES,
          parallel: 6,
        }).finally(() => {
          fuzzing = false;
          clearInterval(sampler);
        });
        await typing;
        console.info(
          `[relay fuzz] ${tally.frames} frames over ${tally.sockets} sockets; close codes ${JSON.stringify(tally.closeCodes)}; RSS ${Math.round(baselineRss / MiB)} → peak ${Math.round(peakRss / MiB)} MiB`,
        );

        expect(tally.frames).toBeGreaterThanOrEqual(FRAMES);
        expect(server.running, server.log.slice(-20).join('\n')).toBe(true);
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        // 1011 is the server's "internal error": a hostile frame must never reach that.
        expect(tally.closeCodes['1011'] ?? 0).toBe(0);
        expect(server.log.filter((l) => /unexpected error|connect failed|Uncaught|TypeError|RangeError/.test(l))).toEqual([]);
        // Bounded, not flat: the job doc legitimately grows with the notes the well-behaved
        // clients type (and fuzzed updates that are valid content), ten times more under soak.
        expect(peakRss - baselineRss).toBeLessThan(scaled(256, 384) * MiB);

        // Floods were cut off by the rate limit, not served forever.
        if ((tally.byKind.flood ?? 0) > 0) expect(tally.closeCodes['4429'] ?? 0).toBeGreaterThan(0);
        // Nothing the relay refused reached anyone: only job roots, and the server map untouched by clients.
        for (const c of [alice, bob]) {
          expect([...c.doc.share.keys()].filter((root) => !isJobRoot(root))).toEqual([]);
          const server = c.doc.getMap('server');
          expect(server.get('version') === 99 || (server.get('assignees') as unknown[] | undefined)?.includes('mallory')).toBe(false);
        }
        // The well-behaved clients never got cut off and hold the same doc as the server.
        expect(alice.open && bob.open, JSON.stringify([alice.closeInfo, bob.closeInfo])).toBe(true);
        expect([...alice.violations, ...bob.violations]).toEqual([]);
        const observer = await RelayClient.connect({ baseUrl: server.url, jobId: JOBS.shared, token: token('dana'), acks: false });
        await observer.whenSynced;
        expect(missingNotes(written, observer.doc)).toEqual([]);
        // Their last relayed updates may still be in flight: wait (bounded, event by event) for
        // them to converge rather than a fixed 200 ms; a lasting divergence is still reported in full.
        const pair = () =>
          divergence([
            { name: 'alice', doc: alice.doc },
            { name: 'bob', doc: bob.doc },
          ]);
        await until('alice and bob hold the same doc', () => pair().length === 0, 15_000).catch(() => undefined);
        expect(pair()).toEqual([]);
        await Promise.all([alice.close(), bob.close(), observer.close()]);
      });
    },
    scaled(300_000, 900_000),
  );

  it(
    `survives ${CHANNEL_FRAMES} hostile frames on the device channel while a device on the same job keeps syncing over its own channel`,
    async () => {
      await withSeed('channel fuzz', async (rng) => {
        const token = (who: keyof typeof DEMO, kind: 'valid' | 'expired' | 'forged' = 'valid') => tokenFor(kind, DEMO[who], secret);
        const phone = await ChannelClient.connect(server.url, token('alice')!);
        phone.subscribe([JOBS.shared]);
        await phone.synced([JOBS.shared], 10_000);
        const written: string[] = [];
        let fuzzing = true;
        const typing = (async () => {
          for (let i = 0; fuzzing && i < 100_000; i++) {
            const id = `channel-alice-${i}`;
            phone.edit(JOBS.shared, (doc) => addNote(doc, { id, author: 'alice', createdAt: new Date().toISOString(), text: 'on the channel' }));
            written.push(id);
            const want = i + 2; // step 2 was content message 1
            const end = Date.now() + 15_000;
            while (phone.ackedUpTo(JOBS.shared) < want && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
            expect(phone.ackedUpTo(JOBS.shared), `note ${id} acked`).toBeGreaterThanOrEqual(want);
            await new Promise((r) => setTimeout(r, 50));
          }
        })();
        const tally = await fuzzRelay({
          baseUrl: server.url,
          jobId: JOBS.shared,
          tokens: [token('alice'), token('bob'), token('dana'), token('alice', 'expired'), token('dana', 'forged'), undefined],
          rng,
          frames: CHANNEL_FRAMES,
          parallel: 6,
          channel: true,
        }).finally(() => (fuzzing = false));
        await typing;
        console.info(`[channel fuzz] ${tally.frames} frames over ${tally.sockets} channels; close codes ${JSON.stringify(tally.closeCodes)}`);
        expect(server.running, server.log.slice(-20).join('\n')).toBe(true);
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        expect(tally.closeCodes['1011'] ?? 0).toBe(0);
        // Old, missing and absurd protocol versions were told to update, not left to fail.
        expect(tally.closeCodes['4426'] ?? 0).toBeGreaterThan(0);
        expect(server.log.filter((l) => /unexpected error|connect failed|join of .* failed|Uncaught|TypeError|RangeError/.test(l))).toEqual([]);
        expect(phone.closeCode).toBeNull();
        expect(phone.closedJob(JOBS.shared)).toBeNull();
        const observer = await RelayClient.connect({ baseUrl: server.url, jobId: JOBS.shared, token: token('dana'), acks: false });
        await observer.whenSynced;
        expect(missingNotes(written, observer.doc)).toEqual([]);
        expect([...observer.doc.share.keys()].filter((root) => !isJobRoot(root))).toEqual([]);
        await Promise.all([phone.close(), observer.close()]);
      });
    },
    scaled(300_000, 900_000),
  );

  it('drops a socket whose frame header declares terabytes, and one that stops mid-frame, without harm', async () => {
    const token = tokenFor('valid', DEMO.alice, secret)!;
    const path = `/sync/${JOBS.shared}?token=${encodeURIComponent(token)}&acks=1`;
    const huge = await rawUpgrade(server.port, path);
    huge.write(Buffer.concat([frameHeader(2n ** 40n), Buffer.alloc(64)]));
    expect(await closesWithin(huge, 5000)).toBe(true);

    // A frame that promises 100 bytes and sends 10: the server must not hold anything for it.
    const torn = await rawUpgrade(server.port, path);
    torn.write(Buffer.concat([frameHeader(100n), Buffer.alloc(10)]));
    torn.destroy();

    const alice = await RelayClient.connect({ baseUrl: server.url, jobId: JOBS.shared, token });
    await alice.whenSynced;
    const n = alice.edit((doc) => addNote(doc, { id: `after-raw-${Date.now()}`, author: 'alice', createdAt: new Date().toISOString(), text: 'still fine' }));
    await alice.durable(n);
    await alice.close();
    expect(server.running).toBe(true);
  });
});
