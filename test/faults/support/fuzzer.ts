/**
 * Drives hostile frames at a relay from several sockets at once and tallies what
 * happened: frames sent per kind, sockets opened, and the close codes the server used.
 */
import { CHANNEL_ADDRESS, encodeJobFrame, encodeMessage, subscribe, unsubscribe } from '@outpost/shared';
import WebSocket from 'ws';
import { hostileFrame, type FrameKind, FRAME_KINDS } from './frames';
import type { Prng } from './seed';

/** What a fuzz run did and saw. */
export interface FuzzTally {
  frames: number;
  sockets: number;
  byKind: Record<string, number>;
  closeCodes: Record<string, number>;
}

/** Options for `fuzzRelay`. */
export interface FuzzOptions {
  baseUrl: string;
  jobId: string;
  /** Tokens to connect with; `undefined` entries connect without one. */
  tokens: (string | undefined)[];
  rng: Prng;
  frames: number;
  /** Sockets sending at the same time. */
  parallel: number;
  /** Aim at the device channel (`/device`): frames addressed to the job (or elsewhere), subscribe games. */
  channel?: boolean;
}

const QUERY_AWARENESS = Uint8Array.of(3);

/** Kinds drawn by weight: oversize frames are rare (each is 2 MiB on the wire). */
function drawKind(rng: Prng): FrameKind {
  if (rng.chance(0.0015)) return 'oversize';
  return rng.pick(FRAME_KINDS.filter((k) => k !== 'oversize'));
}

/**
 * On the device channel a hostile frame is addressed: mostly to the subscribed job, else
 * to a job never subscribed, to the channel itself, or sent bare (no job id header at all).
 */
function channelFrame(rng: Prng, jobId: string, bytes: Uint8Array): Uint8Array {
  const roll = rng.int(0, 99);
  if (roll < 70) return encodeJobFrame(jobId, bytes);
  if (roll < 80) return encodeJobFrame(`job-${rng.int(0, 99_999)}`, bytes);
  if (roll < 90) return encodeJobFrame(CHANNEL_ADDRESS, bytes);
  return bytes;
}

/** A channel control frame: subscribe (own job, strangers' jobs, mismatched lists) or unsubscribe. */
function channelControl(rng: Prng, jobId: string): Uint8Array {
  const ids = [jobId, ...Array.from({ length: rng.int(0, 4) }, () => rng.pick([jobId, 'job-1002', 'job-1', `job-${rng.int(0, 9999)}`, '']))];
  const svs = ids.map(() => (rng.chance(0.8) ? Uint8Array.of(0) : Uint8Array.from({ length: rng.int(0, 6) }, () => rng.int(0, 255))));
  if (rng.chance(0.1)) svs.pop();
  const message = rng.chance(0.8) ? encodeMessage(subscribe, { jobIds: ids, stateVectors: svs }) : encodeMessage(unsubscribe, { jobIds: ids });
  return encodeJobFrame(CHANNEL_ADDRESS, message);
}

async function oneSocket(o: FuzzOptions, rng: Prng, budget: number, tally: FuzzTally): Promise<number> {
  const token = rng.pick(o.tokens);
  const url = o.channel ? new URL('/device', o.baseUrl.replace(/^http/, 'ws')) : new URL(`/sync/${encodeURIComponent(o.jobId)}`, o.baseUrl.replace(/^http/, 'ws'));
  if (token !== undefined) url.searchParams.set('token', token);
  if (o.channel) {
    // Mostly the current protocol; sometimes an old device, a missing or absurd version.
    if (!rng.chance(0.05)) url.searchParams.set('v', rng.pick(['2', '2', '2', '2', '1', '99', 'x']));
  } else if (rng.chance(0.5)) url.searchParams.set('acks', '1');
  const ws = new WebSocket(url);
  ws.on('error', () => undefined);
  tally.sockets++;
  let sent = 0;
  const closed = new Promise<void>((resolve) => {
    ws.on('close', (code) => {
      tally.closeCodes[code] = (tally.closeCodes[code] ?? 0) + 1;
      resolve();
    });
    ws.on('unexpected-response', (_req, res) => {
      tally.closeCodes[`http ${res.statusCode}`] = (tally.closeCodes[`http ${res.statusCode}`] ?? 0) + 1;
      ws.terminate();
    });
  });
  await Promise.race([new Promise((r) => ws.once('open', r)), closed]);
  if (o.channel && ws.readyState === WebSocket.OPEN && rng.chance(0.9)) {
    ws.send(channelControl(rng, o.jobId));
    tally.byKind.control = (tally.byKind.control ?? 0) + 1;
    sent++;
  }
  if (rng.chance(0.02)) {
    // A flood of harmless frames (presence queries), more than any client may send at once.
    const query = o.channel ? encodeJobFrame(o.jobId, QUERY_AWARENESS) : QUERY_AWARENESS;
    const flood = Math.min(budget, 450);
    for (let i = 0; i < flood && ws.readyState === WebSocket.OPEN; i++, sent++) ws.send(query);
    tally.byKind.flood = (tally.byKind.flood ?? 0) + sent;
  }
  // A burst: sometimes one frame, sometimes hundreds, all before the server can answer.
  const burst = Math.min(budget - sent, rng.chance(0.3) ? 1 : rng.int(2, 250));
  for (let i = 0; i < burst && ws.readyState === WebSocket.OPEN; i++) {
    const frame = hostileFrame(rng, drawKind(rng));
    ws.send(o.channel ? channelFrame(rng, o.jobId, frame.bytes) : frame.bytes);
    tally.byKind[frame.kind] = (tally.byKind[frame.kind] ?? 0) + 1;
    sent++;
  }
  const timer = setTimeout(() => ws.terminate(), 1500);
  if (ws.readyState === WebSocket.OPEN && rng.chance(0.5)) ws.close();
  await closed;
  clearTimeout(timer);
  return Math.max(sent, 1);
}

/** Sends `frames` hostile frames from `parallel` sockets at a time (see the module comment). */
export async function fuzzRelay(o: FuzzOptions): Promise<FuzzTally> {
  const tally: FuzzTally = { frames: 0, sockets: 0, byKind: {}, closeCodes: {} };
  let remaining = o.frames;
  await Promise.all(
    Array.from({ length: o.parallel }, async () => {
      const rng = o.rng.fork();
      while (remaining > 0) {
        const budget = remaining;
        const sent = await oneSocket(o, rng, Math.min(budget, 500), tally);
        remaining -= sent;
        tally.frames += sent;
      }
    }),
  );
  return tally;
}
