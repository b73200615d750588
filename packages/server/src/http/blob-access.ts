/**
 * Who may read a blob. Blobs are addressed by hash, and a hash travels in every copy of a
 * job doc, so knowing one must not be enough — nor naming one: a technician removed from a
 * job still knows its photos' hashes and could write them into a photo of her own job.
 *
 * So a technician reads a blob when she uploaded it herself (a PUT needs the bytes; the
 * store remembers uploaders), or when a job assigned to her holds it as a photo or the
 * signature named by someone else. Who named it is the entry's author field (`by`), which
 * the relay makes equal to the writer (job/ownership.ts): her own naming grants her nothing.
 * Dispatchers read every blob.
 *
 * The check reads the docs of the technician's jobs through the relay, loaded ones first:
 * a device fetches the photos of the job it has open, so the answer is usually found
 * without loading anything. Docs that are not loaded are read only for her current jobs
 * (open, or closed less than READ_CLOSED_DAYS ago): a request for a hash none of them
 * holds (a stale link, a hostile client) would otherwise build the doc of every job she
 * ever had, on the relay's loop, for each request.
 */
import * as Y from 'yjs';
import type { Principal } from '../auth/token';
import type { JobDocs } from '../relay/job-docs';
import { closedAfter, isCurrent } from '../jobs/current';
import type { BlobStore, Directory } from '../store/store';

/** Days after its window ended that a closed job's photos are still read from its doc when it is not loaded. */
export const READ_CLOSED_DAYS = 30;

/** True when the doc holds `sha256` as a photo or the signature image named by someone other than `reader`. */
export function docSharesBlob(doc: Y.Doc, sha256: string, reader: string): boolean {
  const namedByOther = (by: unknown) => typeof by === 'string' && by !== '' && by !== reader;
  try {
    const signature = doc.getMap('signature');
    if (signature.get('blob') === sha256 && namedByOther(signature.get('by'))) return true;
    for (const photo of doc.getArray('photos')) {
      if (photo instanceof Y.Map && photo.get('id') === sha256 && namedByOther(photo.get('by'))) return true;
    }
  } catch {
    // A root written with another type (a hostile update) names no blob.
  }
  return false;
}

/** Decides blob reads. */
export class BlobAccess {
  constructor(
    private readonly store: BlobStore & Directory,
    private readonly relay: JobDocs,
  ) {}

  /** Whether `user` may read the blob (whether or not it is stored). */
  async mayRead(user: Principal, sha256: string): Promise<boolean> {
    if (user.role === 'dispatcher') return true;
    if (await this.store.blobUploadedBy(sha256, user.userId)) return true;
    const since = closedAfter(READ_CLOSED_DAYS);
    const jobs = await this.store.listJobs({ assignee: user.userId });
    const loaded = jobs.filter((j) => this.relay.isLoaded(j.id));
    const ids = [...loaded, ...jobs.filter((j) => !this.relay.isLoaded(j.id) && isCurrent(j, since))].map((j) => j.id);
    for (const jobId of ids) {
      const room = await this.relay.acquire(jobId);
      try {
        if (docSharesBlob(room.doc, sha256, user.userId)) return true;
      } finally {
        this.relay.release(room);
      }
    }
    return false;
  }
}
