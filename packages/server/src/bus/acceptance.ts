/**
 * The acceptance suite every `Bus` runs. `makeBuses(n)` returns n buses that reach each
 * other (n nodes of one cluster); for `LocalBus` that is one instance shared n times.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Bus, BusEvent } from './bus';

/** Connected buses for one test, and how to dispose of them. */
export interface BusFixture {
  buses: Bus[];
  cleanup(): Promise<void>;
}

/** Waits for delivery with vitest's own poll, naming what never arrived. */
function until(check: () => boolean, timeout = 2000): Promise<void> {
  return vi.waitFor(
    () => {
      if (!check()) throw new Error('timed out waiting for bus delivery');
    },
    { timeout, interval: 10 },
  );
}

/** Registers the Bus acceptance suite for one implementation. */
export function runBusAcceptance(name: string, makeBuses: (n: number) => Promise<BusFixture>): void {
  describe(`Bus acceptance: ${name}`, () => {
    let fixture: BusFixture | undefined;
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    it('delivers a job event to subscribers on every node, the publisher included, in order', async () => {
      fixture = await makeBuses(2);
      const [a, b] = fixture.buses as [Bus, Bus];
      const gotA: BusEvent[] = [];
      const gotB: BusEvent[] = [];
      await a.subscribe('job-1', (e) => gotA.push(e));
      await b.subscribe('job-1', (e) => gotB.push(e));
      await a.publish({ kind: 'update', jobId: 'job-1', node: 'n1', update: new Uint8Array([1, 2]) });
      await a.publish({ kind: 'revoke', jobId: 'job-1', node: 'n1', userId: 'bob' });
      await until(() => gotA.length === 2 && gotB.length === 2);
      expect(gotB[0]).toMatchObject({ kind: 'update', node: 'n1' });
      expect([...(gotB[0] as { update: Uint8Array }).update]).toEqual([1, 2]);
      expect(gotB[1]).toEqual({ kind: 'revoke', jobId: 'job-1', node: 'n1', userId: 'bob' });
    });

    it('does not deliver other jobs, nor after unsubscribing', async () => {
      fixture = await makeBuses(2);
      const [a, b] = fixture.buses as [Bus, Bus];
      const got: BusEvent[] = [];
      const stop = await b.subscribe('job-1', (e) => got.push(e));
      await a.publish({ kind: 'revoke', jobId: 'job-2', node: 'n1', userId: 'x' });
      await a.publish({ kind: 'revoke', jobId: 'job-1', node: 'n1', userId: 'first' });
      await until(() => got.length === 1);
      await stop();
      await a.publish({ kind: 'revoke', jobId: 'job-1', node: 'n1', userId: 'late' });
      await new Promise((r) => setTimeout(r, 100));
      expect(got.map((e) => (e as { userId: string }).userId)).toEqual(['first']);
    });
  });
}
