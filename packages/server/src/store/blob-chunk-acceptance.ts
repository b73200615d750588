/**
 * The acceptance suite of the resumable-upload part of a `Store` (blob-chunk-store.ts),
 * run by every adapter next to `runStoreAcceptance`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receivedBytes } from './blob-chunk-store';
import type { StoreFixture } from './acceptance';

const HASH = 'c'.repeat(64);

/** Runs the upload-chunk acceptance tests against a store made by `make`. */
export function runBlobChunkStoreAcceptance(name: string, make: () => Promise<StoreFixture>): void {
  describe(`blob chunk store acceptance: ${name}`, () => {
    let fixture: StoreFixture;
    beforeEach(async () => {
      fixture = await make();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('keeps chunks per uploader in offset order, keeps the first copy of a chunk, and forgets them on drop', async () => {
      const { store } = fixture;
      expect(await store.blobUploadState(HASH, 'alice')).toBeNull();
      await store.putBlobChunk(HASH, 'alice', 6, 3, new Uint8Array([4, 5, 6]));
      await store.putBlobChunk(HASH, 'alice', 6, 0, new Uint8Array([1, 2, 3]));
      await store.putBlobChunk(HASH, 'alice', 6, 0, new Uint8Array([9, 9, 9]));
      await store.putBlobChunk(HASH, 'bob', 6, 0, new Uint8Array([7]));
      const state = await store.blobUploadState(HASH, 'alice');
      expect(state).toEqual({
        length: 6,
        chunks: [
          { offset: 0, size: 3 },
          { offset: 3, size: 3 },
        ],
      });
      expect(receivedBytes(state)).toBe(6);
      expect((await store.blobChunkBytes(HASH, 'alice')).map((b) => [...b])).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      await store.dropBlobChunks(HASH, 'alice');
      expect(await store.blobUploadState(HASH, 'alice')).toBeNull();
      expect(receivedBytes(await store.blobUploadState(HASH, 'bob'))).toBe(1);
    });

    it("drops only the uploader's chunks received before a time", async () => {
      const { store } = fixture;
      await store.putBlobChunk(HASH, 'alice', 6, 0, new Uint8Array([1]));
      await store.putBlobChunk(HASH, 'bob', 6, 0, new Uint8Array([1]));
      await store.dropStaleBlobChunks('alice', '2000-01-01T00:00:00.000Z');
      expect(await store.blobUploadState(HASH, 'alice')).not.toBeNull();
      await store.dropStaleBlobChunks('alice', new Date(Date.now() + 60_000).toISOString());
      expect(await store.blobUploadState(HASH, 'alice')).toBeNull();
      expect(await store.blobUploadState(HASH, 'bob')).not.toBeNull();
    });

    it("lists an uploader's unfinished uploads once each, by their newest chunk, and forgets the finished ones", async () => {
      const { store } = fixture;
      const other = 'd'.repeat(64);
      expect(await store.openBlobUploads('alice')).toEqual([]);
      await store.putBlobChunk(other, 'alice', 6, 0, new Uint8Array([1]));
      await store.putBlobChunk(HASH, 'alice', 6, 0, new Uint8Array([1]));
      await store.putBlobChunk(HASH, 'bob', 6, 0, new Uint8Array([1]));
      // A chunk arriving later makes its upload the most recently active one.
      await new Promise((r) => setTimeout(r, 5));
      await store.putBlobChunk(other, 'alice', 6, 1, new Uint8Array([2]));
      const open = await store.openBlobUploads('alice');
      expect(open.map((u) => u.sha256)).toEqual([HASH, other]);
      expect(Date.parse(open[1]!.lastChunkAt)).toBeGreaterThan(Date.parse(open[0]!.lastChunkAt));
      await store.dropBlobChunks(HASH, 'alice');
      expect((await store.openBlobUploads('alice')).map((u) => u.sha256)).toEqual([other]);
      expect((await store.openBlobUploads('bob')).map((u) => u.sha256)).toEqual([HASH]);
    });
  });
}
