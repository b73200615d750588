import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerHttp, Unreachable } from './server-http';

// Garbage collection on demand: Node's timeout signals were lost to a collection (issue 15).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A server that takes every request and never answers it (a half-open link, a stuck node). */
async function silentServer(): Promise<{ url: string; server: Server }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Settles with how `promise` ended, or 'pending' if it has not after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<'answered' | 'pending' | Error> {
  return Promise.race([
    promise.then(
      () => 'answered' as const,
      (err: Error) => err,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

describe('ServerHttp', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('gives up on a request the server never answers, even when garbage is collected meanwhile', async () => {
    const silent = await silentServer();
    server = silent.server;
    const api = new ServerHttp(silent.url, globalThis.fetch.bind(globalThis));
    const collecting = setInterval(collectGarbage, 20);
    try {
      const ended = await within(api.request('POST', '/api/ops', { ops: [] }, { timeoutMs: 300 }), 3_000);
      expect(ended).toBeInstanceOf(Unreachable);
    } finally {
      clearInterval(collecting);
    }
  });

  it('ends a request in flight at once when closed', async () => {
    const silent = await silentServer();
    server = silent.server;
    const api = new ServerHttp(silent.url, globalThis.fetch.bind(globalThis));
    const request = api.request('GET', '/healthz', undefined, { timeoutMs: 60_000 });
    const collecting = setInterval(collectGarbage, 20);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      api.close();
      expect(await within(request, 1_000)).toBeInstanceOf(Unreachable);
    } finally {
      clearInterval(collecting);
    }
  });
});
