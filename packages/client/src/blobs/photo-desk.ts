/**
 * Taking photos and signatures: the bytes go to the device's blob store (and its upload
 * queue), the metadata goes into the job doc at once, so the photo shows up for everyone
 * and can be viewed on this device with no network.
 */
import { addPhoto, jobRoots, setSignature, type Photo, type PhotoKind, type Signature } from '@outpost/shared';
import type { JobStore } from '../jobs/job-store';
import type { User } from '../sync/session';
import type { Watchable } from '../observable';
import type { BlobQueue } from './blob-queue';

/** Blobs as the app sees them. */
export interface BlobsApi {
  /** Keeps a photo on the device, queues its upload and records it in the job. */
  putPhoto(jobId: string, bytes: Uint8Array, meta: { kind: PhotoKind; mime: string; caption?: string }): Promise<Photo>;
  /** Keeps a signature image and records the signature in the job. */
  putSignature(jobId: string, bytes: Uint8Array, meta: { signer: string; mime: string }): Promise<Signature>;
  /** The bytes of a blob (device first, then server). */
  get(sha256: string): Promise<{ bytes: Uint8Array; mime: string } | null>;
  /** An object URL to show a blob. */
  objectUrl(sha256: string): Promise<string | null>;
  /** Blobs not yet uploaded. */
  pending(): number;
  /** Percent on the server of each photo being sent in chunks, by sha256 ("42 % uploaded"). */
  readonly uploadProgress: Watchable<Readonly<Record<string, number>>>;
  /** Puts a blob the server refused back in the queue. */
  retry(sha256: string): Promise<void>;
  /**
   * Gives up on a blob that never reached the server: its bytes leave the device and the
   * photo (or signature) it carries leaves the job, so nobody waits for bytes that will
   * never come. Resolves to false when there was nothing to discard.
   */
  discard(sha256: string): Promise<boolean>;
}

/** The device's photo and signature desk. */
export class PhotoDesk implements BlobsApi {
  constructor(
    private readonly queue: BlobQueue,
    private readonly jobs: JobStore,
    private readonly user: () => User | null,
    private readonly kick: () => void,
    /** A photo or signature was given up on (its change-list key): it was not uploaded. */
    private readonly discarded: (key: string) => void = () => undefined,
  ) {}

  get uploadProgress(): Watchable<Readonly<Record<string, number>>> {
    return this.queue.progress;
  }

  async putPhoto(jobId: string, bytes: Uint8Array, meta: { kind: PhotoKind; mime: string; caption?: string }): Promise<Photo> {
    const id = await this.queue.keep(bytes, meta.mime, jobId, 'photo');
    const photo: Photo = {
      id,
      kind: meta.kind,
      caption: meta.caption ?? '',
      mime: meta.mime,
      bytes: bytes.byteLength,
      takenAt: new Date().toISOString(),
      by: this.user()?.id ?? 'unknown',
    };
    const job = await this.jobs.open(jobId);
    try {
      addPhoto(job.doc, photo);
    } finally {
      job.close();
    }
    this.kick();
    return photo;
  }

  async putSignature(jobId: string, bytes: Uint8Array, meta: { signer: string; mime: string }): Promise<Signature> {
    const blob = await this.queue.keep(bytes, meta.mime, jobId, 'signature');
    const signature: Signature = { blob, signer: meta.signer, signedAt: new Date().toISOString(), by: this.user()?.id ?? 'unknown' };
    const job = await this.jobs.open(jobId);
    try {
      setSignature(job.doc, signature);
    } finally {
      job.close();
    }
    this.kick();
    return signature;
  }

  get = (sha256: string) => this.queue.get(sha256);
  objectUrl = (sha256: string) => this.queue.objectUrl(sha256);
  pending = (): number => this.queue.counts.get().queued;
  retry = (sha256: string) => this.queue.retry(sha256);

  async discard(sha256: string): Promise<boolean> {
    const known = await this.queue.find(sha256);
    if (known) this.discarded(known.role === 'signature' && known.jobId ? `signature:${known.jobId}` : `photo:${sha256}`);
    const blob = await this.queue.discard(sha256);
    if (!blob) return false;
    if (blob.jobId) {
      const job = await this.jobs.open(blob.jobId);
      try {
        const { photos, signature } = jobRoots(job.doc);
        job.doc.transact(() => {
          const index = photos.toArray().findIndex((m) => m.get('id') === sha256);
          if (index >= 0) photos.delete(index, 1);
          if (signature.get('blob') === sha256) for (const key of [...signature.keys()]) signature.delete(key);
        });
      } finally {
        job.close();
      }
    }
    this.kick();
    return true;
  }
}
