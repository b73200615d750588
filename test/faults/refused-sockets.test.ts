/**
 * A refused socket must not hold memory: after the relay says no (bad token, a job that is
 * not yours or does not exist, an oversized frame, a flood) it reads no more frames and
 * drops the connection shortly after its refusal frame, however fast the peer keeps writing.
 * Raw TCP peers that ignore the close frame, against the real server process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, JOBS } from './support/outpost';
import { rawUpgrade } from './support/raw-ws';
import { ServerProcess } from './support/server-process';
import { tokenFor } from './support/tokens';

const MiB = 1024 * 1024;
const secret = 'refused-sockets-secret';
let dataDir: string;
let server: ServerProcess;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'outpost-refused-'));
  server = await ServerProcess.start({ dataDir, secret });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** One masked binary frame of `size` bytes (content is junk: it must never be read). */
function frame(size: number): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x82;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(size), 2);
  randomBytes(4).copy(header, 10);
  return Buffer.concat([header, Buffer.alloc(size, 7)]);
}

/**
 * Writes `frames` frames as fast as the server reads them (waiting for 'drain'), ignoring
 * everything the server sends; stops when the server drops the socket. Resolves with the
 * bytes the socket took.
 */
async function flood(socket: Socket, first: Buffer | null, each: Buffer, frames: number): Promise<{ written: number; closed: boolean }> {
  let closed = false;
  const gone = new Promise<void>((resolve) => socket.once('close', () => ((closed = true), resolve())));
  socket.on('error', () => undefined);
  socket.resume(); // read (and ignore) whatever the server sends, its refusal included
  let written = 0;
  const chunks = first ? [first] : [];
  for (let i = 0; i < frames && !closed; i++) {
    const chunk = chunks.shift() ?? each;
    const ok = socket.write(chunk);
    written += chunk.length;
    if (!ok) await Promise.race([new Promise((r) => socket.once('drain', r)), gone]);
  }
  if (!closed) {
    // Sent everything: give the server its grace to drop the socket, then stop.
    await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
    socket.destroy();
  }
  return { written, closed };
}

/** Runs the floods while sampling the server's resident memory; returns the growth in bytes. */
async function rssGrowthDuring<T>(run: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const baseline = server.rssBytes();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, server.rssBytes())), 20);
  try {
    const result = await run();
    peak = Math.max(peak, server.rssBytes());
    return { result, growth: peak - baseline };
  } finally {
    clearInterval(sampler);
  }
}

const FRAME = frame(4 * MiB);
const FRAMES_PER_SOCKET = 75; // 300 MiB each

describe('refused sockets', () => {
  it('reads no frames after refusing a bad token, a job not assigned and an unknown job: 3 × 300 MiB grow the server by ≤ 20 MiB', async () => {
    const alice = tokenFor('valid', DEMO.alice, secret)!;
    const paths = [`/sync/${JOBS.aliceOnly}?acks=1&token=not-a-token`, `/sync/${JOBS.bobOnly}?acks=1&token=${alice}`, `/sync/job-nope?acks=1&token=${alice}`];
    const sockets = await Promise.all(paths.map((p) => rawUpgrade(server.port, p)));
    const { result, growth } = await rssGrowthDuring(() => Promise.all(sockets.map((s) => flood(s, null, FRAME, FRAMES_PER_SOCKET))));
    const read = result.map((r) => Math.round(r.written / MiB)).join(', ');
    expect(growth / MiB, `server RSS growth in MiB (MiB taken per socket: ${read})`).toBeLessThanOrEqual(20);
    for (const r of result) {
      expect(r.closed, 'the server drops a refused socket').toBe(true);
      expect(r.written, 'the server stops reading after its refusal').toBeLessThan(100 * MiB);
    }
    expect(server.running).toBe(true);
  });

  it('reads no frames after refusing an oversized frame or a flood from a signed-in socket', async () => {
    const alice = tokenFor('valid', DEMO.alice, secret)!;
    const path = `/sync/${JOBS.aliceOnly}?acks=1&token=${alice}`;
    const sockets = await Promise.all([0, 1, 2].map(() => rawUpgrade(server.port, path)));
    // Let them in first: the refusals below come from the joined connection, not the handshake.
    await new Promise((r) => setTimeout(r, 500));
    const tiny = frame(1);
    const { result, growth } = await rssGrowthDuring(() =>
      Promise.all([
        flood(sockets[0]!, frame(2 * MiB), FRAME, FRAMES_PER_SOCKET), // 4413: over the 1 MiB frame limit
        flood(sockets[1]!, Buffer.concat(Array.from({ length: 400 }, () => tiny)), FRAME, FRAMES_PER_SOCKET), // 4429 (or 4400 for junk)
        flood(sockets[2]!, Buffer.from([0x82, 0x80 | 2, 1, 2, 3, 4, 0xff, 0xff]), FRAME, FRAMES_PER_SOCKET), // 4400: not a message
      ]),
    );
    const read = result.map((r) => Math.round(r.written / MiB)).join(', ');
    expect(growth / MiB, `server RSS growth in MiB (MiB taken per socket: ${read})`).toBeLessThanOrEqual(20);
    for (const r of result) {
      expect(r.closed, 'the server drops a refused socket').toBe(true);
      expect(r.written).toBeLessThan(100 * MiB);
    }
    expect(server.running).toBe(true);
  });
});
