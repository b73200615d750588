/**
 * Vite config for the field web app. In `pnpm dev` the API and the sync relay live on the
 * Outpost server at :8080, so the dev server proxies them (the relay is a websocket).
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const serverUrl = process.env.OUTPOST_SERVER_URL ?? 'http://127.0.0.1:8080';
const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: src('./'),
  plugins: [react()],
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
    // One bundle on purpose: the shell worker caches exactly what index.html names, so the
    // whole app is on the device after the first visit (no lazy chunk missing offline).
    chunkSizeWarningLimit: 800,
  },
});
