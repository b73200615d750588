import { describe, expect, it, vi } from 'vitest';
import { TickCork } from './tick-cork';

/** A socket that records its cork depth and each time corked writes would be flushed. */
function fakeSocket() {
  const log: string[] = [];
  let depth = 0;
  return {
    log,
    get depth() {
      return depth;
    },
    cork: () => void (depth++, log.push('cork')),
    uncork: () => void (depth--, depth === 0 && log.push('write')),
  };
}

describe('TickCork', () => {
  it('corks once for every send of a tick and writes them when the tick ends', async () => {
    const socket = fakeSocket();
    const cork = new TickCork(socket);
    cork.hold();
    cork.hold();
    cork.hold();
    expect(socket.log).toEqual(['cork']);
    await new Promise((r) => process.nextTick(r));
    expect(socket.log).toEqual(['cork', 'write']);
    expect(socket.depth).toBe(0);
    cork.hold(); // a new tick corks again
    expect(socket.depth).toBe(1);
  });

  it('uncorks every socket corked in a tick with one callback as the tick ends, in the order they were corked', async () => {
    const sockets = [fakeSocket(), fakeSocket(), fakeSocket()];
    const order: number[] = [];
    sockets.forEach((s, i) => {
      const uncork = s.uncork;
      s.uncork = () => void (order.push(i), uncork());
    });
    const corks = sockets.map((s) => new TickCork(s));
    await new Promise((r) => setImmediate(r)); // the tick of an earlier test's cork has ended
    const scheduled = vi.spyOn(process, 'nextTick');
    try {
      corks[1]!.hold();
      corks[0]!.hold();
      corks[2]!.hold();
      corks[0]!.hold();
      expect(scheduled).toHaveBeenCalledTimes(1);
    } finally {
      scheduled.mockRestore();
    }
    expect(sockets.map((s) => s.depth)).toEqual([1, 1, 1]);
    await new Promise((r) => process.nextTick(r));
    expect(order).toEqual([1, 0, 2]);
    expect(sockets.map((s) => s.log)).toEqual([
      ['cork', 'write'],
      ['cork', 'write'],
      ['cork', 'write'],
    ]);
  });
});
