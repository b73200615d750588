/**
 * Resumable blob uploads (http/blob-uploads.ts): a device sends a large photo in fixed-size
 * chunks, each stored as it arrives, so a link that drops every few seconds loses at most
 * the chunk in flight. Chunks are kept per uploader (one technician's bad chunk never
 * spoils another's upload) and across connections and node restarts; the route appends
 * only at the end of what is stored, so the stored chunks are always one contiguous prefix.
 */

/** One stored chunk, without its bytes. */
export interface BlobChunkInfo {
  offset: number;
  size: number;
}

/** What is stored of one uploader's upload of one blob. */
export interface BlobUploadState {
  /** Total size the upload announced. */
  length: number;
  /** Chunks in offset order. */
  chunks: BlobChunkInfo[];
}

/** One unfinished upload of an uploader: the blob and when its newest chunk arrived. */
export interface OpenBlobUpload {
  sha256: string;
  /** ISO time of the newest stored chunk. */
  lastChunkAt: string;
}

/** The store's part for resumable uploads. */
export interface BlobChunkStore {
  /** The stored chunks of `uploader`'s upload of `sha256`, or null when none are stored. */
  blobUploadState(sha256: string, uploader: string): Promise<BlobUploadState | null>;
  /** Stores a chunk; a chunk already stored at that offset is kept as it was. */
  putBlobChunk(sha256: string, uploader: string, length: number, offset: number, bytes: Uint8Array): Promise<void>;
  /** The stored chunks' bytes in offset order. */
  blobChunkBytes(sha256: string, uploader: string): Promise<Uint8Array[]>;
  /** Forgets the upload's chunks (assembled, or found corrupt). */
  dropBlobChunks(sha256: string, uploader: string): Promise<void>;
  /** Forgets `uploader`'s chunks received before `before` (ISO time): uploads abandoned long ago. */
  dropStaleBlobChunks(uploader: string, before: string): Promise<void>;
  /** `uploader`'s unfinished uploads (any stored chunk), oldest newest-chunk first. */
  openBlobUploads(uploader: string): Promise<OpenBlobUpload[]>;
}

/** Bytes received so far: the end of the contiguous stored prefix. */
export function receivedBytes(state: BlobUploadState | null): number {
  let end = 0;
  for (const c of state?.chunks ?? []) {
    if (c.offset !== end) break;
    end += c.size;
  }
  return end;
}
