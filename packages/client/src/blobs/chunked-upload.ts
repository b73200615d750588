/**
 * Sends one large blob in resumable chunks (server: http/blob-uploads.ts). The device asks
 * the server how much it already holds, then sends fixed-size chunks from there; a dropped
 * link costs the chunk in flight, and the next pass — from this page or from the service
 * worker — resumes at the server's count, never from zero. The server is the one record of
 * progress, so nothing about an upload's position is kept on the device.
 */
import { Unreachable, type ServerHttp, type HttpAnswer } from '../sync/server-http';

/** Size of each chunk: about 1.5 s at 40 KB/s, so a link that drops every few seconds still moves. */
export const BLOB_CHUNK_BYTES = 64 * 1024;

/**
 * A chunk that finds no link is tried again this often, within the same pass, for up to
 * {@link RECONNECT_FOR_MS}: a link that drops for a few seconds is back before the
 * engine's catch-up loop would look again, and every second of signal counts. Longer
 * outages end the pass (`Unreachable`) and the catch-up loop takes over as for any request.
 */
export const RECONNECT_EVERY_MS = 1_000;

/** How long one pass keeps trying to reach the server between two chunks that got through. */
export const RECONNECT_FOR_MS = 10_000;

/** Blobs up to this size go in one PUT; larger ones in chunks. */
export const CHUNKED_ABOVE_BYTES = BLOB_CHUNK_BYTES;

interface UploadProgress {
  received: number;
  length: number | null;
  complete: boolean;
}

/** Calls a person may see: bytes on the server so far, and the blob's size. */
export type ProgressListener = (received: number, length: number) => void;

/**
 * Uploads `bytes` as `sha256` in chunks. Resolves to the final answer (2xx when stored, the
 * refusal otherwise), or null when the server has no resumable uploads (an older server:
 * use the one-shot PUT). Throws `Unreachable` when the link drops; call again to resume.
 */
export async function uploadInChunks(
  api: ServerHttp,
  sha256: string,
  bytes: Uint8Array,
  mime: string,
  signal: AbortSignal,
  onProgress: ProgressListener = () => undefined,
): Promise<HttpAnswer | null> {
  const path = `/api/blobs/${sha256}/upload`;
  const asked = await api.request<UploadProgress>('GET', path, undefined, { timeoutMs: 15_000 });
  if (asked.status === 404) return null;
  if (asked.status !== 200) return asked;
  if (asked.body.complete) return asked;
  let received = asked.body.received;
  onProgress(received, bytes.byteLength);
  // Each pass moves forward or ends; a bounded count guards against a server that never does.
  for (let turns = 0; turns < 4 * Math.ceil(bytes.byteLength / BLOB_CHUNK_BYTES) + 4; turns++) {
    if (signal.aborted) throw new DOMException('The upload was stopped.', 'AbortError');
    const chunk = bytes.subarray(received, Math.min(received + BLOB_CHUNK_BYTES, bytes.byteLength));
    // The same chunk again after a drop is safe: the server acknowledges a chunk it already holds.
    const answer = await withReconnects(signal, () =>
      api.request<UploadProgress & { error?: { code: string; details?: { received?: number } } }>('PUT', `${path}/${received}?length=${bytes.byteLength}`, chunk, {
        timeoutMs: 60_000,
        contentType: mime,
      }),
    );
    if (answer.status === 409 && answer.body.error?.code === 'upload_offset' && typeof answer.body.error.details?.received === 'number') {
      // Another sender (the service worker, another tab) moved the upload on: follow the server.
      received = answer.body.error.details.received;
      continue;
    }
    if (answer.status !== 200 && answer.status !== 201) return answer;
    if (answer.body.complete) {
      onProgress(bytes.byteLength, bytes.byteLength);
      return answer;
    }
    received = answer.body.received;
    onProgress(received, bytes.byteLength);
  }
  return { status: 500, body: { error: { code: 'internal', message: 'The upload did not move forward.' } }, contentType: 'application/json' };
}

/** Runs `send`, trying again on `Unreachable` every {@link RECONNECT_EVERY_MS} for up to {@link RECONNECT_FOR_MS}. */
async function withReconnects<T>(signal: AbortSignal, send: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + RECONNECT_FOR_MS;
  for (;;) {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof Unreachable) || Date.now() + RECONNECT_EVERY_MS > giveUpAt || signal.aborted) throw err;
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_EVERY_MS));
    }
  }
}
