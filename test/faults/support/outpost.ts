/**
 * The real Outpost server in-process on 127.0.0.1:0 with the demo seed and a known secret,
 * plus the demo facts the suites rely on (who is assigned where) and small HTTP helpers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '@outpost/server';
import { tokenFor, type TokenKind, type TokenUser } from './tokens';

/** Demo people (docs/contracts.md: user ids are the usernames). */
export const DEMO = {
  alice: { id: 'alice', role: 'technician', name: 'Alice' },
  bob: { id: 'bob', role: 'technician', name: 'Bob' },
  dana: { id: 'dana', role: 'dispatcher', name: 'Dana' },
} satisfies Record<string, TokenUser>;

/** Demo jobs: alice only, bob only, both. */
export const JOBS = { aliceOnly: 'job-1001', bobOnly: 'job-1002', shared: 'job-1004' } as const;

/** A running server with its temp dir and a token maker. */
export interface Outpost {
  server: RunningServer;
  url: string;
  secret: string;
  /** A token of `kind` for a demo user. */
  token(user: TokenUser, kind?: TokenKind, variant?: number): string | undefined;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

/** Starts the server in-process with the demo seed. */
export async function startOutpost(options: Partial<ServerOptions> = {}): Promise<Outpost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-faults-'));
  const secret = `faults-secret-${Math.random().toString(36).slice(2)}`;
  const server = await startServer({ dataDir, port: 0, host: '127.0.0.1', seed: 'demo', secret, ...options });
  return {
    server,
    url: server.url,
    secret,
    token: (user, kind = 'valid', variant = 0) => tokenFor(kind, user, secret, variant),
    stop: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A JSON request; returns status, content type and the parsed body (or raw text). */
export async function call(
  url: string,
  init: { method?: string; token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
): Promise<{ status: number; contentType: string; body: unknown; text: string }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed, text };
}
