/**
 * Registers the service worker (src/sw/sw.ts): it keeps the app shell on the device, so a
 * reload with no network still opens the app, and it uploads queued work while the app is
 * closed. Not in `vite dev`: there the modules change on every save.
 *
 * Whenever the page goes to the background or away, it asks Background Sync for a drain:
 * the browser wakes the worker once the network is there, even with every page closed.
 * Without Background Sync the worker drains when it next starts (and when a page asks).
 */
import { DRAIN_TAG } from './device';

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

function askForDrain(registration: ServiceWorkerRegistration): void {
  const sync = (registration as ServiceWorkerRegistration & { sync?: SyncManagerLike }).sync;
  if (!sync) return;
  sync.register(DRAIN_TAG).catch((err: unknown) => {
    // Permission denied or the API disabled: the worker's next start drains instead.
    console.warn('[outpost] background upload not scheduled', err);
  });
}

/** Registers the worker and schedules background drains as the page leaves. */
export function registerShellWorker(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker
    .register('/sw.js', { scope: '/' })
    .then((registration) => {
      const leaving = () => askForDrain(registration);
      document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && leaving());
      window.addEventListener('pagehide', leaving);
      window.addEventListener('offline', leaving);
    })
    .catch((err: unknown) => {
      console.warn('[outpost] service worker not registered; the app will not open offline and will not upload while closed', err);
    });
}
