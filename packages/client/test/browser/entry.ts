/** The engine and the job writers, bundled for a real browser page (see chromium.test.ts). */
import { addNote, readJob } from '@outpost/shared';
import { createOutpost, type JobHandle, type OutpostEngine } from '../../src/index';

const Outpost = { createOutpost, addNote, readJob };
Object.assign(globalThis, { Outpost });

/** The page's globals as the tests see them: the bundle, and the engine and job a test keeps there. */
export interface InPage {
  Outpost: typeof Outpost;
  engine: OutpostEngine;
  job: JobHandle;
}
