/**
 * Content-addressed blobs (photos, signature images): `PUT /api/blobs/:sha256` stores
 * bytes whose sha256 matches the path (idempotent) and remembers the uploader, `GET`
 * returns them to those who may read them (blob-access.ts). Large blobs may instead come in
 * resumable chunks (blob-uploads.ts).
 */
import { OutpostError } from '@outpost/shared';
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { BlobChunkStore, BlobStore } from '../store/store';
import type { BlobAccess } from './blob-access';
import { blobUploadRoutes, type UploadLimits } from './blob-uploads';
import type { ApiEnv } from './env';

/** Largest blob accepted. */
export const MAX_BLOB_BYTES = 10 * 1024 * 1024;

const SHA256 = /^[0-9a-f]{64}$/;

const NO_BLOB = 'No blob with that hash that you may read.';

function checkHash(hash: string): void {
  if (!SHA256.test(hash)) throw new OutpostError('bad_request', 'A blob is addressed by 64 lowercase hex digits of its sha256.');
}

/** Blob routes under /api (behind `requireUser`). */
export function blobRoutes(store: BlobStore & BlobChunkStore, access: BlobAccess, uploads: UploadLimits, maxBytes = MAX_BLOB_BYTES): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new OutpostError('too_large', `Blobs are limited to ${maxBytes} bytes.`);
    },
  });
  app.put('/blobs/:sha256', limit, async (c) => {
    const hash = c.req.param('sha256');
    checkHash(hash);
    const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!/^image\/[a-z0-9.+-]+$/.test(contentType) && contentType !== 'application/octet-stream') {
      throw new OutpostError('unsupported_media_type', 'Send blobs as image/* or application/octet-stream.');
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (createHash('sha256').update(bytes).digest('hex') !== hash) throw new OutpostError('hash_mismatch');
    const created = await store.putBlob(hash, { bytes, contentType }, c.var.user.userId);
    return c.json({ sha256: hash, bytes: bytes.byteLength }, created ? 201 : 200);
  });
  app.get('/blobs/:sha256', async (c) => {
    const hash = c.req.param('sha256');
    checkHash(hash);
    // A missing blob and one the user may not read answer alike: no oracle for which hashes exist.
    const blob = (await access.mayRead(c.var.user, hash)) ? await store.getBlob(hash) : null;
    if (!blob) throw new OutpostError('not_found', NO_BLOB);
    return c.body(blob.bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': blob.contentType,
      'cache-control': 'private, max-age=31536000, immutable',
      // An uploaded image/svg+xml must never run script in the app's origin.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      'x-content-type-options': 'nosniff',
    });
  });
  // Large photos over weak links: chunked and resumable (blob-uploads.ts).
  app.route('/', blobUploadRoutes(store, uploads, maxBytes));
  return app;
}
