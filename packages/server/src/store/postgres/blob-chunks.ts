/**
 * Resumable-upload chunks on Postgres (see blob-chunk-store.ts), shared by every node: a
 * device whose next chunk lands on another node resumes where the last one ended.
 */
import type pg from 'pg';
import type { BlobChunkStore, BlobUploadState, OpenBlobUpload } from '../blob-chunk-store';
import { byteaParam, bytesOf } from './rows';

/** The upload-chunk part of `PostgresStore`. */
export class PostgresBlobChunks implements BlobChunkStore {
  constructor(private readonly pool: pg.Pool) {}

  async blobUploadState(sha256: string, uploader: string): Promise<BlobUploadState | null> {
    const { rows } = await this.pool.query<{ offset: string; total_length: string; size: number }>(
      'SELECT "offset", total_length, octet_length(bytes) AS size FROM blob_chunks WHERE sha256 = $1 AND user_id = $2 ORDER BY "offset"',
      [sha256, uploader],
    );
    if (rows.length === 0) return null;
    return { length: Number(rows[0]!.total_length), chunks: rows.map((r) => ({ offset: Number(r.offset), size: Number(r.size) })) };
  }

  async putBlobChunk(sha256: string, uploader: string, length: number, offset: number, bytes: Uint8Array): Promise<void> {
    await this.pool.query('INSERT INTO blob_chunks (sha256, user_id, "offset", total_length, bytes, received_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING', [
      sha256,
      uploader,
      offset,
      length,
      byteaParam(bytes),
      new Date().toISOString(),
    ]);
  }

  async blobChunkBytes(sha256: string, uploader: string): Promise<Uint8Array[]> {
    const { rows } = await this.pool.query<{ bytes: Buffer }>('SELECT bytes FROM blob_chunks WHERE sha256 = $1 AND user_id = $2 ORDER BY "offset"', [sha256, uploader]);
    return rows.map((r) => bytesOf(r.bytes));
  }

  async dropBlobChunks(sha256: string, uploader: string): Promise<void> {
    await this.pool.query('DELETE FROM blob_chunks WHERE sha256 = $1 AND user_id = $2', [sha256, uploader]);
  }

  async dropStaleBlobChunks(uploader: string, before: string): Promise<void> {
    await this.pool.query('DELETE FROM blob_chunks WHERE user_id = $1 AND received_at < $2', [uploader, before]);
  }

  async openBlobUploads(uploader: string): Promise<OpenBlobUpload[]> {
    const { rows } = await this.pool.query<{ sha256: string; last_chunk_at: string }>(
      'SELECT sha256, MAX(received_at) AS last_chunk_at FROM blob_chunks WHERE user_id = $1 GROUP BY sha256 ORDER BY last_chunk_at, sha256',
      [uploader],
    );
    return rows.map((r) => ({ sha256: r.sha256, lastChunkAt: r.last_chunk_at }));
  }
}
