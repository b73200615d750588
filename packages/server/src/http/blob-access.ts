/**
 * Who may read a blob. Blobs are addressed by hash, and a hash travels in every copy of a
 * job doc, so knowing one must not be enough: a technician reads a blob only when a job
 * assigned to them references it (a photo id or the signature's blob), or when they
 * uploaded it themselves (a PUT needs the bytes, so that grants nothing new). Dispatchers
 * read every blob.
 *
 * The check reads the docs of the technician's jobs through the relay, loaded ones first:
 * a device fetches the photos of the job it has open, so the answer is usually found
 * without loading anything.
 */
import * as Y from 'yjs';
import type { Principal } from '../auth/token';
import type { JobDocs } from '../relay/job-docs';
import type { Store } from '../store/store';

/** Uploads remembered per node; past this the oldest are forgotten. */
const MAX_REMEMBERED_UPLOADS = 10_000;

/** True when the doc names `sha256` as a photo or as the signature image. */
export function docReferencesBlob(doc: Y.Doc, sha256: string): boolean {
  try {
    if (doc.getMap('signature').get('blob') === sha256) return true;
    for (const photo of doc.getArray('photos')) {
      if (photo instanceof Y.Map && photo.get('id') === sha256) return true;
    }
  } catch {
    // A root written with another type (a hostile update) names no blob.
  }
  return false;
}

/** Decides blob reads for one server node. */
export class BlobAccess {
  /**
   * Blob → users who PUT it, so a device can read back a photo before the doc update
   * naming it arrives. In memory only: after a restart (or on another node) the uploader
   * reads it through the job like anyone else; the device still holds its own bytes.
   */
  private readonly uploaders = new Map<string, Set<string>>();

  constructor(
    private readonly store: Store,
    private readonly relay: JobDocs,
  ) {}

  /** Records that `userId` uploaded the blob (new or already stored). */
  uploaded(sha256: string, userId: string): void {
    let users = this.uploaders.get(sha256);
    if (!users) {
      if (this.uploaders.size >= MAX_REMEMBERED_UPLOADS) this.uploaders.delete(this.uploaders.keys().next().value!);
      this.uploaders.set(sha256, (users = new Set()));
    }
    users.add(userId);
  }

  /** Whether `user` may read the blob. */
  async mayRead(user: Principal, sha256: string): Promise<boolean> {
    if (user.role === 'dispatcher') return true;
    if (this.uploaders.get(sha256)?.has(user.userId)) return true;
    const jobs = await this.store.listJobs({ assignee: user.userId });
    const ids = jobs.map((j) => j.id).sort((a, b) => Number(this.relay.isLoaded(b)) - Number(this.relay.isLoaded(a)));
    for (const jobId of ids) {
      const room = await this.relay.acquire(jobId);
      try {
        if (docReferencesBlob(room.doc, sha256)) return true;
      } finally {
        this.relay.release(room);
      }
    }
    return false;
  }
}
