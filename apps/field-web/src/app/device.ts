/** The device name of the field app's engine: the page and the service worker open the same device database. */
export const DEVICE_NAME = 'field-web';

/** The Background Sync tag the page registers and the service worker drains on. */
export const DRAIN_TAG = 'outpost-drain';
