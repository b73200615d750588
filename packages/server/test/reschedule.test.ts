/**
 * A dispatcher reschedules by writing the window into the job doc's meta; the jobs row
 * (the technician's day list, priming, the board) follows once the write is committed.
 */
import { readJob } from '@outpost/shared';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { api, login, startTestServer, until, type TestServer } from './support/server';

function provider(server: TestServer, jobId: string, token: string): WebsocketProvider {
  return new WebsocketProvider(server.wsBase, jobId, new Y.Doc(), {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
}

async function rowWindow(server: TestServer, token: string, jobId: string): Promise<{ windowStart: string; windowEnd: string } | undefined> {
  const { body } = await api(server, token, '/api/board');
  return (body.jobs as { id: string; windowStart: string; windowEnd: string }[]).find((j) => j.id === jobId);
}

describe('rescheduling a job', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("moves the jobs row when the dispatcher writes the window into the doc's meta", async () => {
    const server = await startTestServer();
    cleanups.push(() => server.dispose());
    const dana = await login(server, 'dana');
    const p = provider(server, 'job-1004', dana);
    cleanups.push(() => p.destroy());
    await until(() => p.synced, 5000, 'provider sync');
    expect(readJob(p.doc).meta.title).toBeTruthy();

    const windowStart = '2031-03-04T13:00:00.000Z';
    const windowEnd = '2031-03-04T15:30:00.000Z';
    p.doc.transact(() => {
      p.doc.getMap('meta').set('windowStart', windowStart);
      p.doc.getMap('meta').set('windowEnd', windowEnd);
    });
    await until(async () => (await rowWindow(server, dana, 'job-1004'))?.windowStart === windowStart, 5000, 'row window');
    expect(await rowWindow(server, dana, 'job-1004')).toMatchObject({ windowStart, windowEnd });
  });

  it('keeps the row when the meta window is not a window (end before start)', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.dispose());
    const dana = await login(server, 'dana');
    const before = await rowWindow(server, dana, 'job-1004');
    const p = provider(server, 'job-1004', dana);
    cleanups.push(() => p.destroy());
    await until(() => p.synced, 5000, 'provider sync');
    p.doc.transact(() => {
      p.doc.getMap('meta').set('windowStart', '2031-03-04T15:00:00.000Z');
      p.doc.getMap('meta').set('windowEnd', '2031-03-04T13:00:00.000Z');
      p.doc.getMap('meta').set('title', 'marker');
    });
    // The title write commits with the window; wait for a later read to see the commit.
    await new Promise((r) => setTimeout(r, 300));
    expect(await rowWindow(server, dana, 'job-1004')).toMatchObject({ windowStart: before!.windowStart, windowEnd: before!.windowEnd });
  });
});
