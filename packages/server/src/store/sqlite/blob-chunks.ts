/** Resumable-upload chunks on SQLite (see blob-chunk-store.ts). */
import type Database from 'better-sqlite3';
import type { BlobChunkStore, BlobUploadState, OpenBlobUpload } from '../blob-chunk-store';

/** The upload-chunk part of `SqliteStore`. */
export class SqliteBlobChunks implements BlobChunkStore {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = {
      state: db.prepare('SELECT offset, total_length, length(bytes) AS size FROM blob_chunks WHERE sha256 = ? AND user_id = ? ORDER BY offset'),
      put: db.prepare('INSERT INTO blob_chunks (sha256, user_id, offset, total_length, bytes, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      bytes: db.prepare('SELECT bytes FROM blob_chunks WHERE sha256 = ? AND user_id = ? ORDER BY offset'),
      drop: db.prepare('DELETE FROM blob_chunks WHERE sha256 = ? AND user_id = ?'),
      dropStale: db.prepare('DELETE FROM blob_chunks WHERE user_id = ? AND received_at < ?'),
      open: db.prepare('SELECT sha256, MAX(received_at) AS last_chunk_at FROM blob_chunks WHERE user_id = ? GROUP BY sha256 ORDER BY last_chunk_at, sha256'),
    };
  }

  async blobUploadState(sha256: string, uploader: string): Promise<BlobUploadState | null> {
    const rows = this.sql.state.all(sha256, uploader) as { offset: number; total_length: number; size: number }[];
    if (rows.length === 0) return null;
    return { length: rows[0]!.total_length, chunks: rows.map((r) => ({ offset: r.offset, size: r.size })) };
  }

  async putBlobChunk(sha256: string, uploader: string, length: number, offset: number, bytes: Uint8Array): Promise<void> {
    this.sql.put.run(sha256, uploader, offset, length, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), new Date().toISOString());
  }

  async blobChunkBytes(sha256: string, uploader: string): Promise<Uint8Array[]> {
    return (this.sql.bytes.all(sha256, uploader) as { bytes: Buffer }[]).map((r) => new Uint8Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength));
  }

  async dropBlobChunks(sha256: string, uploader: string): Promise<void> {
    this.sql.drop.run(sha256, uploader);
  }

  async dropStaleBlobChunks(uploader: string, before: string): Promise<void> {
    this.sql.dropStale.run(uploader, before);
  }

  async openBlobUploads(uploader: string): Promise<OpenBlobUpload[]> {
    return (this.sql.open.all(uploader) as { sha256: string; last_chunk_at: string }[]).map((r) => ({ sha256: r.sha256, lastChunkAt: r.last_chunk_at }));
  }
}
