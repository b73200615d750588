/**
 * Vite config for the field web app. In `pnpm dev` the API and the sync relay live on the
 * Outpost server at :8080, so the dev server proxies them (the relay is a websocket).
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const serverUrl = process.env.OUTPOST_SERVER_URL ?? 'http://127.0.0.1:8080';
const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: src('./'),
  plugins: [
    react(),
    // The service worker is our own source (src/sw/sw.ts: shell precache, uploads with the
    // app closed); Workbox injects the list of built files to precache. Served as /sw.js,
    // the path devices already have registered, so they update in place.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      injectRegister: false,
      manifest: false,
      injectManifest: { globPatterns: ['**/*.{js,css,html,svg,webmanifest}'], maximumFileSizeToCacheInBytes: 4 * 1024 * 1024 },
      devOptions: { enabled: false },
    }),
  ],
  resolve: {
    // Workspace packages are consumed from source; no build step for them.
    alias: {
      '@outpost/shared': src('../../packages/shared/src/index.ts'),
      '@outpost/client/react': src('../../packages/client/src/react/index.ts'),
      '@outpost/client': src('../../packages/client/src/index.ts'),
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': serverUrl,
      '/healthz': serverUrl,
      '/sync': { target: serverUrl.replace(/^http/, 'ws'), ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    // Every built file is precached by the service worker (src/sw/sw.ts), lazy chunks too.
    chunkSizeWarningLimit: 800,
  },
});
