/**
 * Photos and signatures as content-addressed blobs: the bytes stay on the device and
 * upload in the background; the job doc only records their sha256.
 */
import type { Watchable } from '@outpost/client';
import type { PhotoKind } from '@outpost/shared';
import { useEffect, useState, useSyncExternalStore } from 'react';

/**
 * The blob side of one job (the engine's `blobs`, bound to the job id): keeping bytes on
 * the device queues their upload and records their metadata in the job doc.
 */
export interface JobBlobs {
  putPhoto(bytes: Uint8Array, meta: { kind: PhotoKind; caption?: string; mime: string }): Promise<unknown>;
  putSignature(bytes: Uint8Array, meta: { signer: string; mime: string }): Promise<unknown>;
  /** A URL showing the blob (from the device first, then the server), or null. */
  objectUrl(sha256: string): Promise<string | null>;
  /** Percent on the server of each photo going up in chunks, by sha256; absent when none. */
  uploadProgress?: Watchable<Readonly<Record<string, number>>>;
}

const NO_PROGRESS: Watchable<Readonly<Record<string, number>>> = { get: () => ({}), subscribe: () => () => undefined };

/** How much of a photo being sent is on the server (0–100), or null when it is not being sent in chunks. */
export function useUploadPercent(blobs: JobBlobs, sha256: string): number | null {
  const source = blobs.uploadProgress ?? NO_PROGRESS;
  const all = useSyncExternalStore(source.subscribe, source.get);
  return all[sha256] ?? null;
}

/** A URL for a blob once it can be shown; null while loading or when it is nowhere. */
export function useBlobUrl(blobs: JobBlobs, sha256: string | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    if (sha256)
      void blobs.objectUrl(sha256).then(
        (u) => live && setUrl(u),
        () => live && setUrl(null),
      );
    return () => {
      live = false;
      // Another blob (or none) shows nothing until its own URL is found.
      setUrl(null);
    };
  }, [blobs, sha256]);
  return url;
}

const MAX_EDGE = 1600;

/**
 * Camera photos are often 5–12 MB; a field network (and the 10 MiB blob limit) wants them
 * smaller. Large images are re-encoded as JPEG at most 1600 px on the long edge.
 */
export async function shrinkPhoto(file: File): Promise<{ bytes: Uint8Array; mime: string }> {
  const original = { bytes: new Uint8Array(await file.arrayBuffer()), mime: file.type || 'application/octet-stream' };
  if (file.size < 1_500_000 || !file.type.startsWith('image/') || typeof createImageBitmap !== 'function') return original;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    if (!blob) return original;
    return { bytes: new Uint8Array(await blob.arrayBuffer()), mime: 'image/jpeg' };
  } catch {
    return original;
  }
}
