/**
 * Outpost's service worker (built by vite-plugin-pwa, injectManifest):
 *
 * - the app shell — every file of the build, named by Workbox's precache manifest, so the
 *   app can be split into chunks and still opens offline (issue 19 item 4);
 * - uploads with the app closed (issue 16 item 4): on Background Sync's `sync` event, and
 *   where that API is missing on its own start and on page loads, it drains the device's
 *   queues (client `drainInBackground`: same records, same drain lock, same rules as the page);
 * - the system notification when such a drain uploaded something (issue 16 item 5), where
 *   the person granted permission.
 *
 * Job data never goes through the cache: it lives in IndexedDB and syncs through the engine.
 */
/// <reference lib="webworker" />
import { drainInBackground, uploadedCount } from '@outpost/client';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { DEVICE_NAME, DRAIN_TAG } from '../app/device';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: { url: string; revision: string | null }[] };

interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}

const SERVER_PATHS = [/^\/api(\/|$)/, /^\/sync(\/|$)/, /^\/healthz$/, /^\/metrics$/];

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: SERVER_PATHS }));

self.addEventListener('install', () => void self.skipWaiting());

let draining: Promise<void> | null = null;

/** One drain at a time in this worker; the drain lock keeps pages out meanwhile. */
function drain(why: string): Promise<void> {
  draining ??= (async () => {
    try {
      // An open app page drains itself (sockets for content, the drain lock for the rest);
      // the worker is for when none is open. The drain lock guards the race between the two.
      if (await appPageOpen()) return console.info(`[outpost worker] drain (${why}) left to the open page`);
      const report = await drainInBackground({ serverUrl: self.location.origin, deviceName: DEVICE_NAME, indexedDB: self.indexedDB, fetch: self.fetch.bind(self) });
      const total = uploadedCount(report);
      console.info(`[outpost worker] drain (${why}): ${total} uploaded, ${report.stopped}`);
      if (total > 0) await tell(total);
      // Not through: Background Sync tries again later, so the sync event must fail.
      if (report.stopped === 'unreachable') throw new Error('The server could not be reached.');
      // "Later" (429 with Retry-After, 5xx) is not a refusal: every record stays queued for the next try.
      if (report.stopped === 'retry_later') throw new Error('The server asked for some uploads to come later.');
    } finally {
      draining = null;
    }
  })();
  return draining;
}

async function appPageOpen(): Promise<boolean> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return windows.some((w) => !SERVER_PATHS.some((p) => p.test(new URL(w.url).pathname)));
}

async function tell(total: number): Promise<void> {
  const body = `${total} pending update${total === 1 ? ' was' : 's were'} uploaded when the connection returned.`;
  // A page that is open shows it itself (the engine's drained notice).
  const pages = await self.clients.matchAll({ type: 'window' });
  for (const page of pages) page.postMessage({ type: 'outpost:drained', total, body });
  if (pages.some((p) => (p as WindowClient).visibilityState === 'visible')) return;
  if (Notification.permission === 'granted') await self.registration.showNotification('Outpost', { body, tag: 'outpost-drained', icon: '/icon.svg' });
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    self.clients.claim().then(() =>
      // Where Background Sync is missing, the worker's start is the next chance to upload.
      drain('start').catch((err: unknown) => console.warn('[outpost worker] drain on start failed', err)),
    ),
  );
});

self.addEventListener('sync', (event) => {
  const e = event as SyncEvent;
  if (e.tag === DRAIN_TAG) e.waitUntil(drain('sync'));
});

// Without Background Sync (Firefox, Safari) nothing wakes the worker for uploads; the first
// request that starts this worker process (a page of the app loading, a notification) is
// the next chance. With it, the `sync` event above is the trigger.
let woke = false;
self.addEventListener('fetch', (event) => {
  if (woke || 'sync' in self.registration) return;
  woke = true;
  event.waitUntil(drain('wake').catch((err: unknown) => console.warn('[outpost worker] drain on wake failed', err)));
});

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'outpost:drain')
    event.waitUntil(drain('page asked').catch((err: unknown) => console.warn('[outpost worker] drain failed', err)));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(
    self.clients
      .matchAll({ type: 'window' })
      .then((pages) => (pages[0] ? pages[0].focus() : self.clients.openWindow('/')))
      .then(() => undefined),
  );
});
