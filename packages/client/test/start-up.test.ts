import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WARM_UP_DECODES } from '../src/engine/codec-warm-up';
import { until, World } from './harness';

/** Stands in for a browser's idle callbacks (Node has none), counting the slices asked for. */
function browserIdleCallbacks(): { slices: () => number; remove: () => void } {
  let slices = 0;
  const g = globalThis as { requestIdleCallback?: unknown; cancelIdleCallback?: unknown };
  g.requestIdleCallback = (work: () => void) => {
    slices++;
    return setTimeout(work, 0);
  };
  g.cancelIdleCallback = (handle: NodeJS.Timeout) => clearTimeout(handle);
  return {
    slices: () => slices,
    remove: () => {
      delete g.requestIdleCallback;
      delete g.cancelIdleCallback;
    },
  };
}

describe('the engine at start-up', () => {
  let world: World;
  let idle: ReturnType<typeof browserIdleCallbacks>;
  beforeEach(async () => {
    world = await World.start();
    idle = browserIdleCallbacks();
  });
  afterEach(async () => {
    await world.close();
    idle.remove();
  });

  it('warms up the job codec in idle slices where the platform has them, so the first job tapped opens at compiled speed', async () => {
    await world.device('alice-phone', await world.link(), 'alice');
    await until('every warm-up slice ran', () => idle.slices() === WARM_UP_DECODES + 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(idle.slices()).toBe(WARM_UP_DECODES + 1);
  });

  it('leaves the warm-up out when the app turns it off', async () => {
    await world.device('alice-phone', await world.link(), 'alice', { warmUpCodec: false });
    await new Promise((r) => setTimeout(r, 100));
    expect(idle.slices()).toBe(0);
  });
});
