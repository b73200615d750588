/**
 * What a benchmarked server looks like from inside its child process: started on a free
 * loopback port with its own data directory, it prepares jobs for the load generator and
 * closes cleanly (peers flush their storage on close).
 */

/** The servers under test. */
export const SERVER_KINDS = ['outpost', 'hocuspocus', 'ywss'] as const;
/**
 * Reference servers: not under test and never a peer in a ratio; a scenario that names one
 * runs it beside the servers under test (fan-out: the forwarder, the least a relay does).
 */
export const REFERENCE_KINDS = ['forwarder'] as const;
/** A server a scenario can start: one under test or a reference. */
export type ServerKind = (typeof SERVER_KINDS)[number] | (typeof REFERENCE_KINDS)[number];

/** Human names for the table. */
export const SERVER_LABELS: Record<ServerKind, string> = {
  outpost: 'Outpost',
  hocuspocus: 'Hocuspocus 3.4',
  ywss: 'y-websocket-server 0.1.1',
  forwarder: 'Forwarder (reference: no doc, no storage)',
};

/** Jobs the load generator may write to, and the token to present. */
export interface PreparedJobs {
  jobIds: string[];
  token: string;
}

/** A server running inside the child process. */
export interface RunningServer {
  port: number;
  /** Makes `count` jobs writable by the load generator (peers accept any name). */
  prepare(count: number): Promise<PreparedJobs>;
  close(): Promise<void>;
}

/** Starts a server kind: data lives in `dataDir`, which may hold a previous run's data. */
export type StartServer = (dataDir: string) => Promise<RunningServer>;

/** Peers accept any document name; these names match across servers for the same run. */
export function peerJobIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `job-${String(i).padStart(5, '0')}`);
}
