/** The device database alone, bundled for a real browser page (see device-storage.test.ts). */
import { DeviceDb } from '../../src/storage/device-db';

Object.assign(globalThis, { OutpostStorage: { DeviceDb, open: new Map<number, DeviceDb>() } });
