/**
 * Photos and signatures on the device: the bytes are kept in IndexedDB by sha256 (so a
 * photo taken offline can be viewed offline), the job doc carries metadata only, and an
 * upload queue PUTs each blob, idempotently. It runs apart from the outbox: a photo that
 * keeps failing never holds back status changes or notes.
 *
 * Retries follow sync/retry-schedule.ts: a transient failure (5xx, 429, …) waits 1 s, 5 s,
 * 30 s, then 60 s between tries and is flagged after the third while still retried in the
 * background; a refusal (413, 415, 400, …) is flagged at once with the server's reason and
 * waits for a person's Retry or Discard. Flagged blobs stay on the device across reloads.
 *
 * A blob larger than one chunk goes up in resumable chunks (chunked-upload.ts): a link that
 * drops mid-photo costs one chunk, and `progress` says how far each photo got.
 */
import { Observable } from '../observable';
import { errorOf, Unreachable, type ServerHttp } from '../sync/server-http';
import { failureAfter, isDue, isFlagged, serverWait, type AttemptFailure } from '../sync/retry-schedule';
import type { DeviceStorage } from '../storage/device-storage';
import { sha256Hex } from '../ids/device-crypto';
import { CHUNKED_ABOVE_BYTES, uploadInChunks } from './chunked-upload';

/** A photo or signature blob not yet on the server. */
export interface UnsentBlob {
  sha256: string;
  jobId: string | null;
  /** What the blob is in its job (absent on blobs kept before this was recorded). */
  role?: 'photo' | 'signature';
  mime: string;
  /** 'queued' (possibly waiting for a retry) or 'failed' (listed in Errors). */
  state: 'queued' | 'failed';
  error?: AttemptFailure;
  createdAt: string;
}

/** A blob kept on the device. */
export interface StoredBlob {
  sha256: string;
  bytes: Uint8Array;
  mime: string;
  jobId: string | null;
  createdAt: string;
  /** What it is in its job. */
  role?: 'photo' | 'signature';
  /** 'queued' until the server has it (maybe waiting for a retry); 'failed' once flagged for a person. */
  state: 'queued' | 'uploaded' | 'failed' | 'cached';
  attempts: number;
  error?: AttemptFailure;
}

/** Counts the status line needs. */
export interface BlobCounts {
  queued: number;
  failed: number;
}

/** What one upload pass did. */
export interface UploadReport {
  uploaded: number;
  /** When the earliest blob waiting for a retry is due (ms since epoch), if any. */
  retryAt?: number;
  stopped: 'done' | 'unreachable' | 'signed_out';
}

/** The device's blob store and upload queue. */
export class BlobQueue {
  readonly counts = new Observable<BlobCounts>({ queued: 0, failed: 0 });
  /** Blobs not yet on the server, without their bytes (Offline Actions lists them). */
  readonly unsentList = new Observable<UnsentBlob[]>([]);
  /** Percent on the server of each blob being sent in chunks ("42 % uploaded"), by sha256. */
  readonly progress = new Observable<Readonly<Record<string, number>>>({});
  private readonly urls = new Map<string, string>();
  /** Called as each blob reaches the server, before the counts drop. */
  onUploaded: () => void = () => undefined;

  constructor(
    private readonly db: DeviceStorage,
    private readonly api: ServerHttp,
    private readonly changed: () => void,
  ) {}

  /** Keeps bytes on the device and queues their upload; resolves to their sha256. */
  async keep(bytes: Uint8Array, mime: string, jobId: string | null, role?: StoredBlob['role']): Promise<string> {
    const sha256 = await sha256Hex(bytes);
    const existing = await this.db.get<StoredBlob>('blobs', sha256);
    if (!existing || existing.state === 'cached') {
      const blob: StoredBlob = { sha256, bytes, mime, jobId, role, createdAt: new Date().toISOString(), state: 'queued', attempts: 0 };
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
        sha256,
        bytes: answer.body,
        mime: answer.contentType.split(';')[0] || 'application/octet-stream',
        jobId: null,
        createdAt: new Date().toISOString(),
        state: 'cached',
        attempts: 0,
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
    this.unsentList.set(
      all.map(({ sha256, jobId, role, mime, state, error, createdAt }) => ({ sha256, jobId, role, mime, state: state as UnsentBlob['state'], error, createdAt })),
    );
    this.counts.set({ queued: all.filter((b) => b.state === 'queued').length, failed: all.filter((b) => b.state === 'failed').length });
    return this.counts.get();
  }

  /** Uploads every blob that is due once; stops when the server is unreachable or the token is refused. */
  async upload(signal: AbortSignal, now: () => number = Date.now): Promise<UploadReport> {
    const report: UploadReport = { uploaded: 0, stopped: 'done' };
    for (const blob of await this.unsent()) {
      if (signal.aborted) break;
      if (blob.state === 'failed' && blob.error?.kind !== 'transient') continue;
      if (!isDue(blob.error, now())) {
        const at = Date.parse(blob.error?.retryAt ?? '');
        if (!Number.isNaN(at)) report.retryAt = Math.min(report.retryAt ?? at, at);
        continue;
      }
      const outcome = await this.uploadOne(blob, now, signal);
      if (outcome === 'unreachable' || outcome === 'signed_out') {
        report.stopped = outcome;
        break;
      }
      if (outcome === 'uploaded') report.uploaded++;
      else if (outcome.retryAt) report.retryAt = Math.min(report.retryAt ?? Date.parse(outcome.retryAt), Date.parse(outcome.retryAt));
    }
    await this.refresh();
    this.changed();
    return report;
  }

  /** One stored blob by sha256. */
  find(sha256: string): Promise<StoredBlob | undefined> {
    return this.db.get<StoredBlob>('blobs', sha256);
  }

  /** Puts a flagged blob back in the queue for an attempt now. */
  async retry(sha256: string): Promise<void> {
    const blob = await this.db.get<StoredBlob>('blobs', sha256);
    if (!blob || blob.state !== 'failed') return;
    await this.db.put('blobs', sha256, { ...blob, state: 'queued', attempts: 0, error: undefined });
    await this.refresh();
    this.changed();
  }

  /** Deletes a blob that never reached the server from the device; resolves to what it was. */
  async discard(sha256: string): Promise<StoredBlob | null> {
    const blob = await this.db.get<StoredBlob>('blobs', sha256);
    if (!blob || (blob.state !== 'failed' && blob.state !== 'queued')) return null;
    await this.db.delete('blobs', sha256);
    const url = this.urls.get(sha256);
    if (url) URL.revokeObjectURL(url);
    this.urls.delete(sha256);
    await this.refresh();
    this.changed();
    return blob;
  }

  private async uploadOne(blob: StoredBlob, now: () => number, signal: AbortSignal): Promise<'uploaded' | 'unreachable' | 'signed_out' | AttemptFailure> {
    let answer;
    try {
      const bytes = new Uint8Array(blob.bytes);
      answer =
        bytes.byteLength > CHUNKED_ABOVE_BYTES
          ? await uploadInChunks(this.api, blob.sha256, bytes, blob.mime, signal, (received, length) => this.showProgress(blob.sha256, received, length))
          : null;
      // Small blobs, and servers without resumable uploads, take the one-shot PUT.
      answer ??= await this.api.request('PUT', `/api/blobs/${blob.sha256}`, bytes, { timeoutMs: 60_000, contentType: blob.mime });
    } catch (err) {
      // A stopped pass (engine closing, page hidden) resumes from the server's count next time.
      if (err instanceof DOMException && err.name === 'AbortError') return 'unreachable';
      if (!(err instanceof Unreachable)) throw err;
      return 'unreachable';
    }
    this.showProgress(blob.sha256, null, 0);
    if (answer.status === 200 || answer.status === 201) {
      await this.db.put('blobs', blob.sha256, { ...blob, state: 'uploaded', attempts: blob.attempts + 1, error: undefined });
      this.onUploaded();
      return 'uploaded';
    }
    if (answer.status === 401) return 'signed_out';
    const { code, message, details } = errorOf(answer);
    const attempts = blob.attempts + 1;
    const failure = failureAfter(attempts, answer.status, { code, message }, now(), Math.random, serverWait(details));
    await this.db.put('blobs', blob.sha256, { ...blob, attempts, error: failure, state: isFlagged(attempts, failure.kind) ? 'failed' : 'queued' });
    return failure;
  }

  private showProgress(sha256: string, received: number | null, length: number): void {
    const { [sha256]: _, ...rest } = this.progress.get();
    this.progress.set(received === null ? rest : { ...rest, [sha256]: Math.floor((100 * received) / Math.max(1, length)) });
  }
}
