import 'fake-indexeddb/auto';
import { runDeviceStorageTests } from './acceptance';
import { DeviceDb } from './device-db';

// fake-indexeddb stands in for the browser's IndexedDB here; the web app's e2e run covers
// the real one in Chromium.
runDeviceStorageTests('IndexedDB (fake-indexeddb)', (name) => DeviceDb.open(indexedDB, name));
