/**
 * Field devices for the multi-node test: a job doc joined through a stock y-websocket
 * provider (as any Yjs app would), and workflow ops posted with failover to another node
 * when the one a device talks to dies — the same opId, so a retry can never apply twice.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

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

/** One person's copy of one job doc, connected to one node at a time. */
export class FieldDoc {
  readonly doc = new Y.Doc();
  provider: WebsocketProvider | null = null;
  /** Close codes the server refused this device with. */
  readonly refusals: number[] = [];
  /** Close reasons the server gave with those codes. */
  readonly refusalReasons: string[] = [];
  /** Every close code and connection error seen (for failure messages). */
  readonly closeCodes: number[] = [];
  readonly connectionErrors: string[] = [];

  constructor(
    readonly jobId: string,
    readonly userId: string,
    private readonly token: string,
  ) {}

  /** Connects (or moves) to `nodeUrl`; the local doc keeps everything typed meanwhile. */
  connect(nodeUrl: string): void {
    this.provider?.destroy();
    const provider = new WebsocketProvider(`${nodeUrl.replace(/^http/, 'ws')}/sync`, this.jobId, this.doc, {
      params: { token: this.token },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      // Node has BroadcastChannel: without this, docs in this one test process would sync
      // with each other directly and hide whether the servers relay anything.
      disableBc: true,
      maxBackoffTime: 500,
    });
    provider.on('connection-error', (event) => {
      this.connectionErrors.push(String((event as { message?: string }).message ?? event.type));
    });
    provider.on('connection-close', (event) => {
      if (event) this.closeCodes.push(event.code);
    });
    provider.on('closed', (event) => {
      this.refusals.push(event.code);
      this.refusalReasons.push(event.reason);
    });
    this.provider = provider;
  }

  /** Resolves once the provider has synced with its node. */
  async synced(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.provider?.synced) {
      if (Date.now() > deadline) throw new Error(`${this.userId} on ${this.jobId} did not sync`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Ids of the users whose presence this device sees on the job (its own included). */
  presentUsers(): string[] {
    const states = [...(this.provider?.awareness.getStates().values() ?? [])] as { user?: { id?: string } }[];
    return states.flatMap((s) => (s.user?.id ? [s.user.id] : []));
  }

  destroy(): void {
    this.provider?.destroy();
    this.provider = null;
    this.doc.destroy();
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
