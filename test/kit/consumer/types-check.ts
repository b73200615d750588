// Type-checked in the installed project (moduleResolution nodenext, like a Node app): the
// packed .d.ts files resolve and carry real types, not `any`.
import { createOutpost, type OutpostEngine, type SyncStatus } from '@outpost/client';
import { OutpostProvider, useJob } from '@outpost/client/react';
import { startServer, type RunningServer, type ServerOptions } from '@outpost/server';
import { addNote, readJob, type JobStatus, type Note } from '@outpost/shared';
import * as Y from 'yjs';

const engine: OutpostEngine = createOutpost({ serverUrl: 'http://127.0.0.1:8080', deviceName: 'kim-phone' });
// @ts-expect-error serverUrl is required: fails to compile only if the types are real
createOutpost({ deviceName: 'kim-phone' });
const label: SyncStatus['label'] = engine.status.get().label;

const doc = new Y.Doc();
addNote(doc, { id: 'n1', author: 'kim', createdAt: new Date().toISOString(), text: label });
const notes: Note[] = readJob(doc).notes;
// @ts-expect-error not a status
const status: JobStatus = 'lunch';

const options: ServerOptions = { dataDir: './data', port: 0 };
const running: Promise<RunningServer> = startServer(options);

export { notes, OutpostProvider, running, status, useJob };

// The subpaths: adapters and acceptance kits, typed from their own .d.ts files.
import type { PostgresStore } from '@outpost/server/postgres';
import type { RedisBusOptions } from '@outpost/server/redis';
import type { PartFixture, StoreFixture } from '@outpost/server/testing';
import type { DeviceStorage } from '@outpost/client/testing';
import type { DocLog, ServerHooks } from '@outpost/server';

export const hooks: ServerHooks = { onOpApplied: (entry) => void entry.status };
// @ts-expect-error a fixture needs cleanup: fails to compile only if the types are real
export const fixture: StoreFixture = { store: null as unknown as StoreFixture['store'] };
export type Kit = [PostgresStore, RedisBusOptions, PartFixture<DocLog>, DeviceStorage, typeof hooks, typeof fixture];
