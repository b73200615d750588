import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { ServerMetrics } from '../metrics/metrics';
import { DEFAULT_LIMITS, type RelayContext } from './context';
import { RelayConnection } from './connection';
import { socketTransport } from './member-transport';
import type { JobRoom } from './job-room';

/** Just enough of a ws socket to watch what the connection does with it. */
function stubSocket(bufferedAmount: number) {
  const sent: Uint8Array[] = [];
  const closes: number[] = [];
  const ws = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount,
    send: (m: Uint8Array) => sent.push(m),
    close: (code: number) => closes.push(code),
    terminate: () => undefined,
    resume: () => undefined,
    once: () => undefined,
  };
  return { ws: ws as unknown as WebSocket, sent, closes };
}

const ctx = { limits: DEFAULT_LIMITS, metrics: new ServerMetrics({ connections: () => 0, loadedDocs: () => 0 }) } as unknown as RelayContext;
const alice = { userId: 'alice', role: 'technician' as const, name: 'Alice' };

describe('relay connection backpressure', () => {
  it('drops a socket that stopped reading instead of buffering the job for it', () => {
    const stalled = stubSocket(65 * 1024 * 1024);
    new RelayConnection(socketTransport(stalled.ws, false, ctx), {} as JobRoom, alice, false, ctx).send(new Uint8Array([0]));
    expect(stalled.closes).toEqual([1013]);
    expect(stalled.sent).toEqual([]);

    const healthy = stubSocket(1024);
    new RelayConnection(socketTransport(healthy.ws, false, ctx), {} as JobRoom, alice, false, ctx).send(new Uint8Array([0]));
    expect(healthy.closes).toEqual([]);
    expect(healthy.sent).toHaveLength(1);
  });
});
