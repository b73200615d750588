/**
 * Field devices for the multi-node test: a job doc kept in sync through the suites' one
 * relay client (test-support/relay-client.ts) with one node at a time, reconnecting to that
 * node after a dropped socket as a provider would, and moving when told; and workflow ops
 * posted with failover to another node when the one a device talks to dies — the same
 * opId, so a retry can never apply twice.
 */
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { RelayClient } from '../../../../test-support/relay-client';

/** Logs in on any node (nodes share the secret, so the token works on all of them). */
export async function login(nodeUrl: string, username: string): Promise<string> {
  const res = await fetch(`${nodeUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'outpost' }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** How long a device waits before reconnecting to its node after a dropped socket. */
const RECONNECT_MS = 300;

/** One person's copy of one job doc, connected to one node at a time. */
export class FieldDoc {
  readonly doc = new Y.Doc();
  /** The socket to the current node (null between sockets). */
  client: RelayClient | null = null;
  /** Close codes the server refused this device with (4xxx: the device stops, as y-websocket's provider does). */
  readonly refusals: number[] = [];
  /** Close reasons the server gave with those codes. */
  readonly refusalReasons: string[] = [];
  /** Every close code and connection error seen (for failure messages). */
  readonly closeCodes: number[] = [];
  readonly connectionErrors: string[] = [];
  private presence: Record<string, unknown> | null = null;
  /** Which `connect` call is current: an older one's sockets stop reconnecting. */
  private generation = 0;

  constructor(
    readonly jobId: string,
    readonly userId: string,
    private readonly token: string,
  ) {}

  /** Connects (or moves) to `nodeUrl`; the local doc keeps everything typed meanwhile. */
  connect(nodeUrl: string): void {
    const generation = ++this.generation;
    void this.client?.close();
    this.client = null;
    void this.keepConnected(nodeUrl, generation);
  }

  /** True while synced with the current node. */
  get isSynced(): boolean {
    return this.client?.synced === true && this.client.closeCode === null;
  }

  /** Resolves once the device has synced with its node. */
  async synced(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isSynced) {
      if (Date.now() > deadline) throw new Error(`${this.userId} on ${this.jobId} did not sync`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sets this device's presence (sent now, and again on every new socket). */
  setPresence(state: Record<string, unknown>): void {
    this.presence = state;
    this.client?.setPresence(state);
  }

  /** Ids of the users whose presence this device sees on the job (its own included). */
  presentUsers(): string[] {
    const states = [...(this.client?.awareness.getStates().values() ?? [])] as { user?: { id?: string } }[];
    return states.flatMap((s) => (s.user?.id ? [s.user.id] : []));
  }

  destroy(): void {
    this.generation++;
    void this.client?.close();
    this.client = null;
    this.doc.destroy();
  }

  private async keepConnected(nodeUrl: string, generation: number): Promise<void> {
    while (generation === this.generation) {
      let client: RelayClient;
      try {
        client = await RelayClient.connect({ baseUrl: nodeUrl, jobId: this.jobId, token: this.token, doc: this.doc });
      } catch (err) {
        this.connectionErrors.push((err as Error).message);
        await new Promise((r) => setTimeout(r, RECONNECT_MS));
        continue;
      }
      if (generation !== this.generation) return void client.close();
      this.client = client;
      if (this.presence && client.closeCode === null) client.setPresence(this.presence);
      const { code, reason } = await client.closed;
      this.closeCodes.push(code);
      if (code >= 4000) {
        this.refusals.push(code);
        this.refusalReasons.push(reason);
        return;
      }
      await new Promise((r) => setTimeout(r, RECONNECT_MS));
    }
  }
}

/** What a node answered to an op. */
export interface OpAnswer {
  status: number;
  body: { result?: { opId: string; version: number; duplicate: boolean }; error?: { code: string } };
  nodeUrl: string;
}

/**
 * A device's workflow outbox, reduced to what the test needs: ops numbered per device,
 * each posted until some node gives a final answer, trying the next node when one is
 * unreachable, busy (5xx) or asks to retry later (425).
 */
export class OpDevice {
  readonly deviceId = `device-${randomUUID()}`;
  private seq = 0;

  constructor(
    private readonly token: string,
    private readonly nodes: () => string[],
  ) {}

  /** Builds the next op of this device (`docState` from the doc the person is looking at). */
  next(jobId: string, intent: { kind: 'transition'; to: string } | { kind: 'assign'; assignees: string[] }, doc: Y.Doc) {
    return {
      opId: randomUUID(),
      jobId,
      deviceId: this.deviceId,
      deviceSeq: ++this.seq,
      occurredAt: new Date().toISOString(),
      baseVersion: 0,
      docState: Buffer.from(Y.encodeStateVector(doc)).toString('base64'),
      ...intent,
    };
  }

  /** Posts `op` starting at node `first`, failing over as described above. */
  async send(op: { opId: string; jobId: string }, first: number): Promise<OpAnswer> {
    for (let attempt = 0; attempt < 40; attempt++) {
      const urls = this.nodes();
      const nodeUrl = urls[(first + attempt) % urls.length]!;
      try {
        const res = await fetch(`${nodeUrl}/api/jobs/${op.jobId}/ops`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
          body: JSON.stringify(op),
          signal: AbortSignal.timeout(5000),
        });
        const body = (await res.json()) as OpAnswer['body'];
        if (res.status !== 425 && res.status < 500) return { status: res.status, body, nodeUrl };
      } catch {
        // Unreachable or cut off mid-request: the op may or may not have applied; resending
        // the same opId elsewhere is safe either way.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`op ${op.opId} got no final answer`);
  }
}
