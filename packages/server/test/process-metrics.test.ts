import fs from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from './support/server';

describe('/metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seed: false });
  });
  afterAll(() => server.dispose());

  it("carries the process's event-loop lag, GC, heap and CPU beside the relay's own series", async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const name of [
      'outpost_connections',
      'outpost_durable_ack_seconds',
      'nodejs_eventloop_lag_seconds',
      'nodejs_gc_duration_seconds',
      'nodejs_heap_size_used_bytes',
      'process_cpu_user_seconds_total',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    // One exposition a scraper accepts: every series is declared once.
    const declared = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
    expect(new Set(declared).size).toBe(declared.length);
  });

  it('answers a second server in the same process with the same process series, not a duplicate registry', async () => {
    const other = await startTestServer({ seed: false });
    try {
      const text = await (await fetch(`${other.url}/metrics`)).text();
      expect(text.match(/^# TYPE nodejs_eventloop_lag_seconds /gm)).toHaveLength(1);
    } finally {
      await other.dispose();
    }
  });

  it('does not walk the open sockets on the event loop to answer a scrape, and still counts open descriptors', async () => {
    // Idle connections this process holds open, each end a descriptor of it.
    const port = Number(new URL(server.url).port);
    const sockets: Socket[] = await Promise.all(
      Array.from(
        { length: 60 },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const s = connect(port, '127.0.0.1', () => resolve(s));
            s.once('error', reject);
          }),
      ),
    );
    const walks = [
      vi.spyOn(process as unknown as { _getActiveHandles(): unknown[] }, '_getActiveHandles'),
      vi.spyOn(process, 'getActiveResourcesInfo'),
      vi.spyOn(fs, 'readdirSync'),
    ];
    try {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      for (const walk of walks) expect(walk).not.toHaveBeenCalled();
      expect(text).not.toMatch(/^nodejs_active_handles/m);
      const fds = Number(/^process_open_fds (\d+)$/m.exec(text)?.[1]);
      expect(fds).toBeGreaterThanOrEqual(sockets.length); // the client ends at least (the server may not have accepted every one yet)
    } finally {
      for (const walk of walks) walk.mockRestore();
      for (const s of sockets) s.destroy();
    }
  });
});
