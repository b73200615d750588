import { describe, expect, it } from 'vitest';
import { openRigs, type HeldRig } from '../src/load/fanout-rig';

/** A rig whose server records whether it is paused, and every event in `log`. */
function fakeRig(name: string, log: string[]): HeldRig & { paused: boolean } {
  const rig = {
    paused: false,
    server: {
      pause: () => void ((rig.paused = true), log.push(`pause ${name}`)),
      resume: () => void ((rig.paused = false), log.push(`resume ${name}`)),
    },
    close: async () => void log.push(`close ${name}`),
  };
  return rig;
}

describe('openRigs', () => {
  it('holds every connected rig paused while the next ones connect, then lets them all run', async () => {
    const log: string[] = [];
    const rigs = ['a', 'b', 'c'].map((n) => fakeRig(n, log));
    const pausedAtOpen: boolean[][] = [];
    const opened = await openRigs(
      rigs.map((rig, i) => async () => {
        pausedAtOpen.push(rigs.slice(0, i).map((r) => r.paused));
        return rig;
      }),
      0,
    );
    expect(opened).toEqual(rigs);
    // While b connected a was paused; while c connected a and b were.
    expect(pausedAtOpen).toEqual([[], [true], [true, true]]);
    expect(rigs.map((r) => r.paused)).toEqual([false, false, false]);
    expect(log).toEqual(['pause a', 'pause b', 'pause c', 'resume a', 'resume b', 'resume c']);
  });

  it('lets the rigs already open run and closes them when a later one fails to connect', async () => {
    const log: string[] = [];
    const [a, b] = ['a', 'b'].map((n) => fakeRig(n, log));
    const openers = [
      async () => a!,
      async () => b!,
      async () => {
        throw new Error('connect failed');
      },
    ];
    await expect(openRigs(openers, 0)).rejects.toThrow('connect failed');
    expect([a!.paused, b!.paused]).toEqual([false, false]);
    expect(log).toEqual(['pause a', 'pause b', 'resume a', 'resume b', 'close a', 'close b']);
  });
});
