/**
 * Photos and signatures on the device: the bytes are kept in IndexedDB by sha256 (so a
 * photo taken offline can be viewed offline), the job doc carries metadata only, and an
 * upload queue PUTs each blob, idempotently, with retry. It runs apart from the outbox:
 * a photo that keeps failing never holds back status changes or notes.
 */
import { Observable } from '../observable';
import { Unreachable, type Api } from '../sync/api';
import { backoffDelay, sleep } from '../sync/backoff';
import type { DeviceStorage } from '../storage/device-storage';
import { sha256Hex } from '../ids/device-crypto';

/** A blob kept on the device. */
export interface StoredBlob {
  sha256: string;
  bytes: Uint8Array;
  mime: string;
  jobId: string | null;
  createdAt: string;
  /** 'queued' until the server has it; 'failed' after the server refused it for good. */
  state: 'queued' | 'uploaded' | 'failed' | 'cached';
  attempts: number;
  error?: string;
}

/** Counts the status line needs. */
export interface BlobCounts {
  queued: number;
  failed: number;
}

/** Attempts per blob per upload pass. */
const ATTEMPTS = 3;

/** The device's blob store and upload queue. */
export class BlobQueue {
  readonly counts = new Observable<BlobCounts>({ queued: 0, failed: 0 });
  private readonly urls = new Map<string, string>();
  /** Called as each blob reaches the server, before the counts drop. */
  onUploaded: () => void = () => undefined;

  constructor(
    private readonly db: DeviceStorage,
    private readonly api: Api,
    private readonly changed: () => void,
  ) {}

  /** Keeps bytes on the device and queues their upload; resolves to their sha256. */
  async keep(bytes: Uint8Array, mime: string, jobId: string | null): Promise<string> {
    const sha256 = await sha256Hex(bytes);
    const existing = await this.db.get<StoredBlob>('blobs', sha256);
    if (!existing || existing.state === 'cached') {
      const blob: StoredBlob = { sha256, bytes, mime, jobId, createdAt: new Date().toISOString(), state: 'queued', attempts: 0 };
      await this.db.put('blobs', sha256, blob);
      await this.refresh();
      this.changed();
    }
    return sha256;
  }

  /** The bytes of a blob: from the device, else from the server (then kept for offline). */
  async get(sha256: string): Promise<{ bytes: Uint8Array; mime: string } | null> {
    const local = await this.db.get<StoredBlob>('blobs', sha256);
    if (local) return { bytes: new Uint8Array(local.bytes), mime: local.mime };
    try {
      const answer = await this.api.request<Uint8Array>('GET', `/api/blobs/${sha256}`);
      if (answer.status !== 200 || !(answer.body instanceof Uint8Array)) return null;
      // Content-addressed: bytes that do not hash to their name are not this blob.
      if ((await sha256Hex(answer.body)) !== sha256) return null;
      const blob: StoredBlob = {
        sha256, bytes: answer.body, mime: answer.contentType.split(';')[0] || 'application/octet-stream', jobId: null,
        createdAt: new Date().toISOString(), state: 'cached', attempts: 0,
      };
      await this.db.put('blobs', sha256, blob);
      return { bytes: blob.bytes, mime: blob.mime };
    } catch (err) {
      if (err instanceof Unreachable) return null;
      throw err;
    }
  }

  /** An object URL for showing a blob (`<img src>`), or null when it is nowhere to be had. */
  async objectUrl(sha256: string): Promise<string | null> {
    // One URL per blob for the engine's life: screens re-render often, and each new URL
    // would pin another copy of the bytes until revoked.
    const known = this.urls.get(sha256);
    if (known) return known;
    const blob = await this.get(sha256);
    if (!blob) return null;
    const url = URL.createObjectURL(new Blob([blob.bytes as unknown as BlobPart], { type: blob.mime }));
    this.urls.set(sha256, url);
    return url;
  }

  /** Revokes the object URLs handed out (engine destroyed). */
  revokeUrls(): void {
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
  }

  /** Blobs not yet on the server (for export). */
  async unsent(): Promise<StoredBlob[]> {
    return (await this.db.entries<StoredBlob>('blobs')).map(([, b]) => b).filter((b) => b.state === 'queued' || b.state === 'failed');
  }

  /** Re-counts queued and failed blobs. */
  async refresh(): Promise<BlobCounts> {
    const all = await this.unsent();
    this.counts.set({ queued: all.filter((b) => b.state === 'queued').length, failed: all.filter((b) => b.state === 'failed').length });
    return this.counts.get();
  }

  /** Uploads every queued blob; resolves to how many went up. Stops when the server is unreachable. */
  async upload(signal: AbortSignal): Promise<number> {
    let uploaded = 0;
    for (const blob of await this.unsent()) {
      if (blob.state !== 'queued' || signal.aborted) continue;
      const outcome = await this.uploadOne(blob, signal);
      if (outcome === 'unreachable') break;
      if (outcome === 'uploaded') uploaded++;
    }
    await this.refresh();
    if (uploaded > 0) this.changed();
    return uploaded;
  }

  /** Puts a failed blob back in the queue. */
  async retry(sha256: string): Promise<void> {
    const blob = await this.db.get<StoredBlob>('blobs', sha256);
    if (!blob || blob.state !== 'failed') return;
    await this.db.put('blobs', sha256, { ...blob, state: 'queued', attempts: 0, error: undefined });
    await this.refresh();
    this.changed();
  }

  private async uploadOne(blob: StoredBlob, signal: AbortSignal): Promise<'uploaded' | 'failed' | 'unreachable'> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt - 1, { baseMs: 500, maxMs: 5_000 }), signal);
      if (signal.aborted) return 'unreachable';
      let status: number;
      try {
        status = (await this.api.request('PUT', `/api/blobs/${blob.sha256}`, new Uint8Array(blob.bytes), { timeoutMs: 60_000, contentType: blob.mime })).status;
      } catch (err) {
        if (!(err instanceof Unreachable)) throw err;
        if (attempt === ATTEMPTS - 1) return 'unreachable';
        continue;
      }
      if (status === 200 || status === 201) {
        await this.db.put('blobs', blob.sha256, { ...blob, state: 'uploaded', attempts: blob.attempts + attempt + 1 });
        this.onUploaded();
        return 'uploaded';
      }
      if (status < 500 && status !== 429 && status !== 401) {
        await this.db.put('blobs', blob.sha256, { ...blob, state: 'failed', error: `HTTP ${status}` });
        return 'failed';
      }
      if (status === 401) return 'unreachable';
    }
    return 'failed';
  }
}
