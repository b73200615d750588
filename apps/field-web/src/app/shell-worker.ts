/**
 * Registers the service worker that keeps the app shell on the device, so a reload with
 * no network still opens the app (job data comes from IndexedDB, not from this cache).
 * Not in `vite dev`: there the modules change on every save.
 */
export function registerShellWorker(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
  void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((err: unknown) => {
    console.warn('[outpost] service worker not registered; the app will not open offline', err);
  });
}
