/**
 * How big a job may grow. One technician pasting megabyte notes into a job makes every
 * device on it download them and the server hold them; past `RelayLimits.maxJobBytes` a
 * device update that adds content is refused with `job_full`. Deletions are always taken:
 * they are how a job gets smaller. Photos and signatures are blobs and never count.
 */
import { OutpostError } from '@outpost/shared';
import * as Y from 'yjs';
import type { StoredJobDoc } from '../store/store';

/** The size of one loaded job's content. */
export class JobSize {
  /** Stored bytes at load plus every change stored since: an overestimate, measured exactly before any refusal. */
  private bytes: number;

  constructor(
    stored: StoredJobDoc,
    private readonly limit: number,
  ) {
    this.bytes = (stored.snapshot?.length ?? 0) + stored.updates.reduce((n, u) => n + u.length, 0);
  }

  /** A change of `n` bytes was stored. */
  grew(n: number): void {
    this.bytes += n;
  }

  /** The job's whole encoding is `n` bytes (measured for compaction). */
  measured(n: number): void {
    this.bytes = n;
  }

  /** Throws `job_full` when `update` would add content to `doc` past the limit. */
  check(update: Uint8Array, doc: () => Y.Doc): void {
    if (this.bytes + update.length <= this.limit) return;
    this.bytes = Y.encodeStateAsUpdate(doc()).length;
    if (this.bytes + update.length <= this.limit) return;
    const { from, to } = Y.parseUpdateMeta(update);
    const adds = [...to].some(([client, clock]) => clock > (from.get(client) ?? 0));
    if (!adds) return;
    const mb = Math.round(this.limit / (1024 * 1024));
    throw new OutpostError('job_full', `This job is full (${mb > 0 ? `${mb} MB` : `${this.limit} bytes`} of content). Ask the office to open a follow-up job.`);
  }
}
