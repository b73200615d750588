/*
 * Outpost's shell worker: keeps the built app (index.html and its hashed assets) on the
 * device so the app opens with no network. Job data never goes through this cache: it
 * lives in IndexedDB and syncs through the engine. API, relay and metrics pass straight by.
 */
const CACHE = 'outpost-shell-v1';
const SHELL = ['/', '/manifest.webmanifest', '/icon.svg'];
const NAVIGATION_TIMEOUT_MS = 4000;

/** Asset URLs named by the shell's HTML (script, stylesheet, preload). */
function assetsOf(html) {
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
}

async function cacheShell() {
  const cache = await caches.open(CACHE);
  const response = await fetch('/', { cache: 'no-cache' });
  if (!response.ok) throw new Error(`shell answered ${response.status}`);
  const html = await response.clone().text();
  await cache.put('/', response);
  await cache.addAll([...SHELL.slice(1), ...assetsOf(html)]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

/** Pages: the network first (a fresh shell after a deploy), the cached shell when there is none. */
async function navigation(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    if (response.ok) {
      const html = await response.clone().text();
      await cache.put('/', response.clone());
      // New hashed assets of a new build, fetched now so the next offline start has them;
      // assets of older builds are dropped once the new ones are in.
      const current = assetsOf(html);
      cache
        .addAll(current)
        .then(() => cache.keys())
        .then((keys) =>
          Promise.all(
            keys
              .filter((k) => new URL(k.url).pathname.startsWith('/assets/') && !current.includes(new URL(k.url).pathname))
              .map((k) => cache.delete(k)),
          ),
        )
        .catch(() => undefined);
    }
    return response;
  } catch {
    return (await cache.match('/')) ?? Response.error();
  }
}

/** Hashed assets never change: the cache first. */
async function asset(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (/^\/(api|sync|healthz|metrics)(\/|$)/.test(url.pathname)) return;
  if (request.mode === 'navigate') event.respondWith(navigation(request));
  else if (url.pathname.startsWith('/assets/') || SHELL.includes(url.pathname)) event.respondWith(asset(request));
});
