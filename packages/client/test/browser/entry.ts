/** The engine and the job writers, bundled for a real browser page (see chromium.test.ts). */
import { addNote, readJob } from '@outpost/shared';
import { createOutpost } from '../../src/index';

Object.assign(globalThis, { Outpost: { createOutpost, addNote, readJob } });
