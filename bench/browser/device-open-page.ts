// Bundled by scenarios/device-open.ts with esbuild for Chromium (not part of the typecheck:
// the client's browser dependencies resolve from packages/client). Opens a job the way the
// field app does — `@outpost/client`'s JobSession: the doc from y-indexeddb plus the job's
// pending (not yet durably acked) updates from the device database — offline (no relay).
import { DeviceDb } from '../../packages/client/src/storage/device-db';
import { DeferredStorage } from '../../packages/client/src/storage/deferred-storage';
import { JobSession, type JobSessionOptions } from '../../packages/client/src/jobs/job-session';
import { warmUpJobCodec } from '../../packages/client/src/engine/codec-warm-up';
import { fieldAction, fieldDeviceOn } from '../src/load/field-work';

const DEVICE = 'bench-device';
const w = window as unknown as Record<string, unknown>;

// As createOutpost does at start (engine/codec-warm-up.ts), unless the sample asks for a
// cold page (`?cold`): how a first open reads without it.
const cold = new URLSearchParams(location.search).has('cold');
let warmedAt: number | null = null;
if (!cold) void warmUpJobCodec().then(() => (warmedAt = performance.now()));

async function openSession(jobId: string): Promise<JobSession> {
  // As the engine does (wire-engine.ts): the device database opens while the job's does.
  const db = new DeferredStorage(DeviceDb.open(indexedDB, DEVICE));
  const noop = () => undefined;
  const options: JobSessionOptions = {
    jobId,
    deviceName: DEVICE,
    db,
    WebSocket: WebSocket as unknown as JobSessionOptions['WebSocket'],
    relayUrl: () => null, // offline: the open path only
    events: { pendingChanged: noop, connection: noop, merged: noop, message: noop, synced: noop, storageWrite: noop },
  };
  return JobSession.open(options);
}

/** Makes `actions` field actions on the job through a session; every one stays pending (never acked). */
w.seedJob = async (jobId: string, actions: number) => {
  const session = await openSession(jobId);
  const device = fieldDeviceOn(session.doc, 'alice');
  for (let i = 0; i < actions; i++) {
    fieldAction(device);
    // Let the storage transactions run now and then instead of queueing 10,000.
    if (i % 500 === 499) await new Promise((r) => setTimeout(r, 0));
  }
  const pending = session.pending.count;
  await session.destroy();
  return pending;
};

/** Times JobSession.open (doc + pending updates) on a fresh page. */
w.openJob = async (jobId: string) => {
  const t0 = performance.now();
  const session = await openSession(jobId);
  const ms = performance.now() - t0;
  const result = { ms, warmedBeforeTap: warmedAt !== null && warmedAt <= t0, notes: session.doc.getArray('notes').length, pending: session.pending.count };
  await session.destroy();
  return result;
};
