/**
 * Redis channel layout. One pub/sub channel per job, `<prefix>:job:<jobId>`: a node
 * subscribes only to the jobs it has loaded, so traffic for a job reaches just the nodes
 * serving its sockets, and revocations for a job reach exactly the nodes that could hold
 * a socket of the revoked user on it. The prefix separates clusters (and test runs)
 * sharing one Redis.
 */

/** Default channel prefix. */
export const DEFAULT_PREFIX = 'outpost';

/** The channel carrying one job's events. */
export function jobChannel(prefix: string, jobId: string): string {
  return `${prefix}:job:${jobId}`;
}

/** The job id of a channel of this prefix, or null for any other channel. */
export function jobIdOfChannel(prefix: string, channel: string): string | null {
  const head = `${prefix}:job:`;
  return channel.startsWith(head) ? channel.slice(head.length) : null;
}
