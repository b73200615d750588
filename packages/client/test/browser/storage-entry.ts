/** The device database alone, bundled for a real browser page (see device-storage.test.ts). */
import { DeviceDb } from '../../src/storage/device-db';

const OutpostStorage = { DeviceDb, open: new Map<number, DeviceDb>() };
Object.assign(globalThis, { OutpostStorage });

/** The page's globals as the tests see them. */
export interface InPage {
  OutpostStorage: typeof OutpostStorage;
}
