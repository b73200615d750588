/**
 * `@outpost/client/testing`: the acceptance suite for `DeviceStorage`, what the engine
 * relies on from device storage. The project runs it on fake-indexeddb and on IndexedDB in
 * real Chromium; an app bringing its own storage runs it the same way:
 *
 *   import { runDeviceStorageTests } from '@outpost/client/testing';
 *   runDeviceStorageTests('my storage', (deviceName) => MyStorage.open(deviceName));
 *
 * It registers vitest tests (`describe`/`it`), so vitest is an optional peer dependency.
 *
 * @module @outpost/client/testing
 */
export { runDeviceStorageTests } from './storage/acceptance';
export { DEVICE_STORES, type DeviceStorage, type DeviceStore } from './storage/device-storage';
