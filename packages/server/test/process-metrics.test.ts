import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
