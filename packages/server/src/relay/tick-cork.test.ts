import { describe, expect, it } from 'vitest';
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
});
