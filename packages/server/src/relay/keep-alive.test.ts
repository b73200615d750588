import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeepAlive, type Pingable } from './keep-alive';

afterEach(() => {
  vi.useRealTimers();
});

describe('keep-alive pings', () => {
  it('pings every socket once a period, a bounded share of them per timer turn (15,000 pings in one turn held the loop for 0.5 s)', () => {
    vi.useFakeTimers();
    const pings = new Map<Pingable, number>();
    let thisTurn = 0;
    const sockets = new Set<Pingable>();
    for (let i = 0; i < 3000; i++) {
      const ws: Pingable = {
        ping: () => {
          pings.set(ws, (pings.get(ws) ?? 0) + 1);
          thisTurn++;
        },
      };
      sockets.add(ws);
    }
    const keepAlive = new KeepAlive(sockets, 30_000);
    let mostInOneTurn = 0;
    // Every timer callback is one turn of the loop: advance 10 ms at a time and count per step.
    for (let t = 0; t < 30_000 + 1_000; t += 10) {
      thisTurn = 0;
      vi.advanceTimersByTime(10);
      mostInOneTurn = Math.max(mostInOneTurn, thisTurn);
    }
    keepAlive.stop();
    expect([...sockets].every((ws) => (pings.get(ws) ?? 0) >= 1)).toBe(true);
    expect([...pings.values()].every((n) => n <= 2)).toBe(true);
    expect(mostInOneTurn).toBeLessThanOrEqual(3000 / 100);
  });

  it('pings each of a few sockets once a period, not on every timer turn', () => {
    vi.useFakeTimers();
    const pings = new Map<Pingable, number>();
    const sockets = new Set<Pingable>();
    for (let i = 0; i < 2; i++) {
      const ws: Pingable = { ping: () => void pings.set(ws, (pings.get(ws) ?? 0) + 1) };
      sockets.add(ws);
    }
    const keepAlive = new KeepAlive(sockets, 30_000);
    vi.advanceTimersByTime(61_000);
    keepAlive.stop();
    // Two periods: each socket twice (a tick's share was rounded up to one ping: ~200 each).
    expect([...sockets].map((ws) => pings.get(ws) ?? 0)).toEqual([2, 2]);
  });

  it('reaches sockets that open mid-round and skips those that closed', () => {
    vi.useFakeTimers();
    const pinged: string[] = [];
    const socket = (name: string): Pingable => ({ ping: () => pinged.push(name) });
    const a = socket('a');
    const b = socket('b');
    const c = socket('c');
    const sockets = new Set<Pingable>([a, b]);
    const keepAlive = new KeepAlive(sockets, 1_000);
    sockets.delete(b);
    sockets.add(c);
    vi.advanceTimersByTime(1_100);
    keepAlive.stop();
    expect(pinged).toContain('a');
    expect(pinged).toContain('c');
    expect(pinged).not.toContain('b');
  });
});
