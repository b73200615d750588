/**
 * An in-process TCP proxy on loopback that delays every chunk by a fixed one-way delay in
 * each direction, like a slow cellular link. It counts bytes both ways and *turns*:
 * a turn starts whenever the client sends after having received something (or first
 * sends on a connection), so a strictly request/response exchange of n requests is n turns.
 */
import net from 'node:net';

/** Traffic seen by the proxy since it started (or since `reset`). */
export interface LinkCounters {
  bytesUp: number;
  bytesDown: number;
  /** Client send-after-receive turns, summed over connections. */
  turns: number;
  connections: number;
}

/** A running delay proxy. */
export interface DelayProxy {
  port: number;
  counters: LinkCounters;
  /**
   * Client turns each connection may take (0: no limit); the bytes of a later turn are
   * held, never forwarded. An exchange that still completes needs at most that many turns.
   */
  maxTurns: number;
  reset(): void;
  close(): Promise<void>;
}

/** Starts a proxy to 127.0.0.1:`targetPort` adding `oneWayMs` each way. */
export async function startDelayProxy(targetPort: number, oneWayMs: number): Promise<DelayProxy> {
  const counters: LinkCounters = { bytesUp: 0, bytesDown: 0, turns: 0, connections: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    counters.connections++;
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    let lastWasDown = true;
    let turns = 0;
    const relay = (from: net.Socket, to: net.Socket, up: boolean) => {
      from.on('data', (chunk) => {
        if (up) {
          const held = (n: number) => proxy.maxTurns > 0 && n > proxy.maxTurns;
          if (lastWasDown && !held(++turns)) counters.turns++;
          lastWasDown = false;
          if (held(turns)) return;
          counters.bytesUp += chunk.length;
        } else {
          counters.bytesDown += chunk.length;
          lastWasDown = true;
        }
        // Same delay for every chunk, so timers fire in order and the stream stays ordered.
        setTimeout(() => to.writable && to.write(chunk), oneWayMs);
      });
      from.on('end', () => setTimeout(() => to.end(), oneWayMs));
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        setTimeout(() => to.destroy(), oneWayMs + 1);
      });
    };
    relay(client, upstream, true);
    relay(upstream, client, false);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const proxy: DelayProxy = {
    port: (server.address() as net.AddressInfo).port,
    counters,
    maxTurns: 0,
    reset() {
      Object.assign(counters, { bytesUp: 0, bytesDown: 0, turns: 0, connections: 0 });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
  return proxy;
}
