/**
 * Starts a real server on 127.0.0.1:0 with a temp data dir, and logs people in.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../../src/index';
import { until as untilPasses } from '../../../../test-support/until';

/** A JSON body as parsed: any route's JSON answer; each test asserts the shape it expects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON as parsed, read field by field by the tests
export type Json = any;

/** A server for one test and how to dispose of it. */
export interface TestServer extends RunningServer {
  dataDir: string;
  wsBase: string;
  /** Stops the server and deletes its data dir. */
  dispose(): Promise<void>;
}

/** Starts a seeded server in a fresh temp dir (or `dataDir`). */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'outpost-server-')));
  const server = await startServer({ port: 0, seed: 'demo', secret: 'test-secret', ...options, dataDir });
  return {
    ...server,
    dataDir,
    wsBase: server.url.replace(/^http/, 'ws') + '/sync',
    async dispose() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in and returns the token. */
export async function login(server: { url: string }, username: string, password = 'outpost'): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** A fetch against the API with a bearer token; returns status and parsed JSON body. */
export async function api(server: { url: string }, token: string | null, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}

/** Polls until `check` is true (bounded): test-support/until.ts, in this suite's argument order. */
export const until = (check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> => untilPasses(what, check, timeoutMs);
