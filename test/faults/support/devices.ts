/**
 * Client engines (devices) for the fault suite: fake-indexeddb storage shared by every
 * engine of the test file (so a new engine with the same device name sees the old one's
 * storage, as after a crash), `ws` sockets, each device behind its own fault proxy.
 */
import 'fake-indexeddb/auto';
import WebSocket from 'ws';
import { createOutpost, type OutpostEngine } from '@outpost/client';
import { FaultProxy } from '../../../test-support/fault-proxy';
import type { Prng } from './seed';
import { until as untilPasses } from '../../../test-support/until';

type EngineOptions = Parameters<typeof createOutpost>[0];

/**
 * Tabs of a device talk over BroadcastChannel. A crashed tab says no goodbye and answers
 * nobody, so the channels are tracked here and a crash can silence them (see `crash`).
 */
const channels = new Set<BroadcastChannel>();
const NativeChannel = globalThis.BroadcastChannel;
globalThis.BroadcastChannel = class TrackedChannel extends NativeChannel {
  constructor(name: string) {
    super(name);
    channels.add(this);
  }
} as typeof BroadcastChannel;

/** A device: an engine, the proxy its traffic goes through, and its storage name. */
export interface Device {
  name: string;
  engine: OutpostEngine;
  proxy: FaultProxy;
}

/** Starts an engine named `deviceName` behind a new fault proxy to `serverPort`; signs in when asked. */
export async function startDevice(deviceName: string, serverPort: number, opts: { user?: string; rng?: Prng; proxy?: FaultProxy; deviceChannel?: boolean } = {}): Promise<Device> {
  const proxy = opts.proxy ?? (await FaultProxy.start({ targetPort: serverPort, rng: opts.rng }));
  const engine = createOutpost({
    serverUrl: proxy.url,
    deviceName,
    WebSocket: WebSocket as unknown as EngineOptions['WebSocket'],
    idleCloseMs: 1000,
    catchUpIntervalMs: 300,
    deviceChannel: opts.deviceChannel,
  } as EngineOptions);
  await engine.ready;
  if (opts.user && !engine.user) await engine.login(opts.user, 'outpost');
  return { name: deviceName, engine, proxy };
}

/**
 * The app dies: its network is gone for good and its tabs go silent at once — no goodbye
 * to other tabs, nothing more sent or heard. Its device storage stays as it was.
 * (The engine object lives on in this process, cut off from everything, like a dead tab.)
 */
export function crash(device: Device): void {
  device.proxy.partition();
  for (const ch of channels) {
    if (!ch.name.includes(device.name)) continue;
    ch.postMessage = () => undefined;
    ch.onmessage = null;
    ch.close();
    channels.delete(ch);
  }
}

/** Everything the device still owes the server: pending updates, queued/failed ops, blobs. */
export function owed(device: Device): { pending: number; queued: number; errors: number; blobs: number } {
  const lists = device.engine.outbox.list();
  return { pending: device.engine.status.get().pending, queued: lists.queued.length, errors: lists.errors.length, blobs: device.engine.blobs.pending() };
}

/** Polls until `check` passes; fails naming `what` after `timeoutMs` (20 s here: whole processes behind proxies). */
export const until = (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000, everyMs = 50): Promise<void> => untilPasses(what, check, timeoutMs, everyMs);
