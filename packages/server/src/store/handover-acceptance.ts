/**
 * The acceptance suite of the handover part of a `Store` (handover-store.ts), run by every
 * adapter next to `runStoreAcceptance`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HandoverRecord } from './handover-store';
import type { StoreFixture } from './acceptance';

const handover = (id: string, over: Partial<HandoverRecord> = {}): HandoverRecord => ({
  id,
  jobId: 'job-1',
  technician: 'alice',
  deviceId: 'alice-phone',
  update: new Uint8Array([1, 2, 3]),
  summary: { notes: 1, checklist: 0, photos: 1, signature: 0, time: 0, refrigerant: 0, lineItems: 0, locations: 0 },
  blobs: ['a'.repeat(64)],
  removedBy: 'dana',
  removedAt: '2030-01-01T11:05:00.000Z',
  createdAt: '2030-01-01T12:00:00.000Z',
  state: 'parked',
  decidedBy: null,
  decidedAt: null,
  ...over,
});

/** Runs the handover acceptance tests against a store made by `make`. */
export function runHandoverStoreAcceptance(name: string, make: () => Promise<StoreFixture>): void {
  describe(`handover store acceptance: ${name}`, () => {
    let fixture: StoreFixture;
    beforeEach(async () => {
      fixture = await make();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('remembers the latest time a technician was taken off a job', async () => {
      const { store } = fixture;
      expect(await store.lastRemoval('job-1', 'alice')).toBeNull();
      await store.recordRemoval({ jobId: 'job-1', userId: 'alice', removedBy: 'dana', removedAt: '2030-01-01T09:00:00.000Z' });
      await store.recordRemoval({ jobId: 'job-1', userId: 'alice', removedBy: 'erin', removedAt: '2030-01-02T09:00:00.000Z' });
      await store.recordRemoval({ jobId: 'job-1', userId: 'alice', removedBy: 'erin', removedAt: '2030-01-02T09:00:00.000Z' });
      await store.recordRemoval({ jobId: 'job-2', userId: 'alice', removedBy: 'dana', removedAt: '2030-01-03T09:00:00.000Z' });
      expect(await store.lastRemoval('job-1', 'alice')).toEqual({ jobId: 'job-1', userId: 'alice', removedBy: 'erin', removedAt: '2030-01-02T09:00:00.000Z' });
      expect(await store.lastRemoval('job-1', 'bob')).toBeNull();
    });

    it('keeps the first handover stored under an id and its bytes exactly', async () => {
      const { store } = fixture;
      const first = await store.putHandover(handover('h1'));
      expect(first.created).toBe(true);
      const again = await store.putHandover(handover('h1', { update: new Uint8Array([9]) }));
      expect(again.created).toBe(false);
      expect(Array.from(again.handover.update)).toEqual([1, 2, 3]);
      expect(await store.getHandover('h1')).toEqual({ ...handover('h1'), update: expect.any(Uint8Array) });
      expect(await store.getHandover('nope')).toBeNull();
    });

    it('lists handovers by job, technician and state, oldest first', async () => {
      const { store } = fixture;
      await store.putHandover(handover('h2', { createdAt: '2030-01-01T13:00:00.000Z' }));
      await store.putHandover(handover('h1'));
      await store.putHandover(handover('h3', { jobId: 'job-2', technician: 'bob' }));
      expect((await store.listHandovers()).map((h) => h.id)).toEqual(['h1', 'h3', 'h2']);
      expect((await store.listHandovers({ jobId: 'job-1' })).map((h) => h.id)).toEqual(['h1', 'h2']);
      expect((await store.listHandovers({ technician: 'bob' })).map((h) => h.id)).toEqual(['h3']);
      await store.decideHandover('h1', 'merged', 'dana', '2030-01-01T14:00:00.000Z');
      expect((await store.listHandovers({ state: 'parked' })).map((h) => h.id)).toEqual(['h3', 'h2']);
    });

    it('decides a parked handover once; a second decision leaves the first', async () => {
      const { store } = fixture;
      await store.putHandover(handover('h1'));
      const merged = await store.decideHandover('h1', 'merged', 'dana', '2030-01-01T14:00:00.000Z');
      expect(merged).toMatchObject({ state: 'merged', decidedBy: 'dana', decidedAt: '2030-01-01T14:00:00.000Z' });
      const late = await store.decideHandover('h1', 'discarded', 'erin', '2030-01-01T15:00:00.000Z');
      expect(late).toMatchObject({ state: 'merged', decidedBy: 'dana' });
      expect(await store.decideHandover('nope', 'merged', 'dana', '2030-01-01T14:00:00.000Z')).toBeNull();
    });
  });
}
