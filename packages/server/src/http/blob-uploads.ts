/**
 * Resumable blob uploads, for photos sent over a link that keeps dropping (issue 16 item 7;
 * shaped after tus, on plain routes):
 *
 *   GET /api/blobs/:sha256/upload                  → { received, length, complete }
 *   PUT /api/blobs/:sha256/upload/:offset?length=N  (one chunk) → { received, length, complete }
 *
 * A chunk is stored as soon as it arrives, kept per uploader, across connections and node
 * restarts (blob-chunk-store.ts). A chunk goes at the end of what is stored; a chunk sent
 * again at an offset already stored with the same size is acknowledged and changes nothing,
 * so every chunk is idempotent. The chunk that completes the upload makes the server join
 * the chunks and check the sha256: a match stores the blob exactly like the one-shot
 * `PUT /api/blobs/:sha256` (uploader remembered for blob-access.ts); a mismatch drops the
 * chunks and answers `hash_mismatch`, so the next try starts clean.
 *
 * Stored chunks cost disk until the upload completes, so one user may have at most
 * `maxOpen` uploads unfinished (all devices): a new one past it is `429 too_many_uploads`,
 * unless one of them got no chunk for `idleMs` — that one is dropped to make room (its
 * device starts it again from 0 if it ever comes back). Two first chunks arriving at the
 * same moment may both pass the check: the cap can be exceeded by the uploads in flight.
 */
import { OutpostError } from '@outpost/shared';
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { receivedBytes } from '../store/blob-chunk-store';
import type { BlobChunkStore, BlobStore } from '../store/store';
import type { ApiEnv } from './env';

/** Chunks of an upload untouched this long are dropped when their uploader starts another. */
export const ABANDONED_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

/** Largest chunk accepted in one request. */
export const MAX_CHUNK_BYTES = 1024 * 1024;

const SHA256 = /^[0-9a-f]{64}$/;

/** The cap on one user's unfinished uploads (`RelayLimits.maxOpenUploadsPerUser`, `uploadIdleMs`). */
export interface UploadLimits {
  maxOpen: number;
  idleMs: number;
}

/** The body of both answers. */
export interface UploadProgress {
  sha256: string;
  /** Bytes stored so far of an upload in progress. */
  received: number;
  /** The announced size, null when nothing is stored yet. */
  length: number | null;
  /** True once the blob is stored and this user is its uploader. */
  complete: boolean;
}

function wholeNumber(raw: string | undefined, what: string, max: number): number {
  const n = raw !== undefined && /^\d{1,12}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n > max) throw new OutpostError('bad_request', `${what} must be a whole number from 0 to ${max}.`);
  return n;
}

function contentTypeOf(header: string | undefined): string {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  if (!/^image\/[a-z0-9.+-]+$/.test(type) && type !== 'application/octet-stream') {
    throw new OutpostError('unsupported_media_type', 'Send blobs as image/* or application/octet-stream.');
  }
  return type;
}

/** Makes room for a new upload of `userId`, or throws `too_many_uploads`; see the module comment. */
async function startUpload(store: BlobChunkStore, userId: string, limits: UploadLimits, now = Date.now()): Promise<void> {
  // A new upload clears this uploader's abandoned ones, so chunks never pile up for good.
  await store.dropStaleBlobChunks(userId, new Date(now - ABANDONED_AFTER_MS).toISOString());
  const open = await store.openBlobUploads(userId);
  if (open.length < limits.maxOpen) return;
  // Idle ones make room, oldest first (the list is ordered by newest chunk).
  const idleBefore = new Date(now - limits.idleMs).toISOString();
  const needed = open.length - limits.maxOpen + 1;
  const idle = open.filter((u) => u.lastChunkAt < idleBefore).slice(0, needed);
  for (const u of idle) await store.dropBlobChunks(u.sha256, userId);
  if (idle.length === needed) return;
  // The oldest one left may be dropped once it has been idle long enough.
  const oldest = open[idle.length]!;
  const retryAfterSeconds = Math.max(1, Math.ceil((Date.parse(oldest.lastChunkAt) + limits.idleMs - now) / 1000));
  throw new OutpostError('too_many_uploads', `${open.length} uploads from your account are unfinished (at most ${limits.maxOpen}); finish one of them, or start this one later.`, {
    open: open.length,
    max: limits.maxOpen,
    retryAfterSeconds,
  });
}

/** Resumable upload routes under /api (behind `requireUser`); mounted by blobs.ts. */
export function blobUploadRoutes(store: BlobStore & BlobChunkStore, limits: UploadLimits, maxBytes: number): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const limit = bodyLimit({
    maxSize: MAX_CHUNK_BYTES,
    onError: () => {
      throw new OutpostError('too_large', `Upload chunks are limited to ${MAX_CHUNK_BYTES} bytes.`);
    },
  });

  const progress = async (hash: string, userId: string): Promise<UploadProgress> => {
    // Complete only for its own uploader: no oracle for which hashes others stored.
    if ((await store.blobUploadedBy(hash, userId)) && (await store.hasBlob(hash))) {
      return { sha256: hash, received: 0, length: null, complete: true };
    }
    const state = await store.blobUploadState(hash, userId);
    return { sha256: hash, received: receivedBytes(state), length: state?.length ?? null, complete: false };
  };

  app.get('/blobs/:sha256/upload', async (c) => {
    const hash = c.req.param('sha256');
    if (!SHA256.test(hash)) throw new OutpostError('bad_request', 'A blob is addressed by 64 lowercase hex digits of its sha256.');
    return c.json(await progress(hash, c.var.user.userId));
  });

  app.put('/blobs/:sha256/upload/:offset', limit, async (c) => {
    const hash = c.req.param('sha256');
    if (!SHA256.test(hash)) throw new OutpostError('bad_request', 'A blob is addressed by 64 lowercase hex digits of its sha256.');
    const userId = c.var.user.userId;
    const offset = wholeNumber(c.req.param('offset'), 'The chunk offset', maxBytes);
    const length = wholeNumber(c.req.query('length'), 'The upload length', maxBytes);
    const contentType = contentTypeOf(c.req.header('content-type'));
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (length === 0 || bytes.byteLength === 0) throw new OutpostError('bad_request', 'An upload chunk carries at least one byte.');
    if (offset + bytes.byteLength > length) throw new OutpostError('bad_request', `The chunk ends past the announced length of ${length} bytes.`);

    const state = await store.blobUploadState(hash, userId);
    if (state && state.length !== length) {
      throw new OutpostError('bad_request', `This upload was started with a length of ${state.length} bytes, not ${length}.`);
    }
    const received = receivedBytes(state);
    if (!state) await startUpload(store, userId, limits);
    if (offset < received) {
      // Sent again after a lost answer: the same chunk is already stored.
      if (!state!.chunks.some((k) => k.offset === offset && k.size === bytes.byteLength)) {
        throw new OutpostError('upload_offset', undefined, { received });
      }
      return c.json(await progress(hash, userId));
    }
    if (offset > received) throw new OutpostError('upload_offset', undefined, { received });
    await store.putBlobChunk(hash, userId, length, offset, bytes);
    if (received + bytes.byteLength < length) {
      return c.json({ sha256: hash, received: received + bytes.byteLength, length, complete: false } satisfies UploadProgress);
    }

    const chunks = await store.blobChunkBytes(hash, userId);
    const digest = createHash('sha256');
    let total = 0;
    for (const chunk of chunks) {
      digest.update(chunk);
      total += chunk.byteLength;
    }
    if (total !== length || digest.digest('hex') !== hash) {
      await store.dropBlobChunks(hash, userId);
      throw new OutpostError('hash_mismatch', `The ${total} bytes uploaded do not hash to ${hash}; the stored chunks were dropped, upload again from the start.`);
    }
    const whole = Buffer.concat(chunks);
    const created = await store.putBlob(hash, { bytes: new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength), contentType }, userId);
    await store.dropBlobChunks(hash, userId);
    return c.json({ sha256: hash, received: length, length, complete: true } satisfies UploadProgress, created ? 201 : 200);
  });
  return app;
}
