/**
 * Deliberately broken servers. Each breaks exactly one guarantee the suite checks, so the
 * scenarios and checkers can be shown to catch the break (a checker that cannot fail
 * proves nothing):
 *
 * - `HastyRelay` acks an update as soon as it arrives and commits it to disk later.
 * - `ForgetfulOpServer` applies every op it receives — it has no opId check.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import { durableAck, encodeMessage } from '@outpost/shared';
import type { KillableRelay } from './scenarios';

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** A relay that acks before commit (see the module comment). Storage: one file of updates. */
export class HastyRelay implements KillableRelay {
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private doc = new Y.Doc();
  private unsaved: Uint8Array[] = [];
  private timer: NodeJS.Timeout | null = null;
  private port = 0;

  constructor(
    private readonly file: string,
    private readonly commitEveryMs = 250,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    this.doc = new Y.Doc();
    if (existsSync(this.file)) {
      const lines = readFileSync(this.file, 'utf8').split('\n').filter(Boolean);
      for (const line of lines) Y.applyUpdate(this.doc, Buffer.from(line, 'base64'));
    }
    const wss = new WebSocketServer({ noServer: true });
    const server = createServer((_req, res) => res.end());
    server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws)));
    this.port = await listen(server, this.port);
    this.server = server;
    this.wss = wss;
    this.timer = setInterval(() => this.commit(), this.commitEveryMs);
  }

  private commit(): void {
    if (this.unsaved.length === 0) return;
    appendFileSync(this.file, this.unsaved.map((u) => Buffer.from(u).toString('base64') + '\n').join(''));
    this.unsaved = [];
  }

  private accept(ws: WebSocket): void {
    let counted = 0;
    const send = (write: (e: encoding.Encoder) => void) => {
      const e = encoding.createEncoder();
      write(e);
      ws.send(encoding.toUint8Array(e));
    };
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin !== ws) send((e) => (encoding.writeVarUint(e, 0), syncProtocol.writeUpdate(e, update)));
    };
    this.doc.on('update', onUpdate);
    ws.on('close', () => this.doc.off('update', onUpdate));
    send((e) => (encoding.writeVarUint(e, 0), syncProtocol.writeSyncStep1(e, this.doc)));
    ws.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) !== 0) return;
      const syncType = decoding.readVarUint(d);
      if (syncType === syncProtocol.messageYjsSyncStep1) {
        const sv = decoding.readVarUint8Array(d);
        send((e) => (encoding.writeVarUint(e, 0), syncProtocol.writeSyncStep2(e, this.doc, sv)));
        return;
      }
      const update = decoding.readVarUint8Array(d);
      Y.applyUpdate(this.doc, update, ws);
      this.unsaved.push(update);
      // The break: the ack goes out now; the commit happens on the next timer tick.
      ws.send(encodeMessage(durableAck, { upTo: ++counted }));
    });
  }

  /** Dies like SIGKILL: sockets drop, unsaved updates are gone. */
  async kill(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unsaved = [];
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}

interface DoubleEntry {
  seq: number;
  opId: string;
  jobId: string;
  deviceId: string;
  deviceSeq: number;
  outcome: 'applied';
  version: number;
  status: string;
  receivedAt: string;
}

/** An op endpoint with no opId check (see the module comment). */
export class ForgetfulOpServer {
  private readonly log: DoubleEntry[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.url = `http://127.0.0.1:${await listen(this.server)}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const jobId = decodeURIComponent(req.url!.split('/')[3] ?? '');
    res.setHeader('content-type', 'application/json');
    if (req.method === 'GET') return void res.end(JSON.stringify({ ops: this.log.filter((e) => e.jobId === jobId) }));
    const op = JSON.parse(Buffer.concat(chunks).toString()) as { opId: string; deviceId: string; deviceSeq: number; to: string };
    const version = (this.log.at(-1)?.version ?? 0) + 1;
    const entry: DoubleEntry = {
      seq: this.log.length + 1,
      opId: op.opId,
      jobId,
      deviceId: op.deviceId,
      deviceSeq: op.deviceSeq,
      outcome: 'applied',
      version,
      status: op.to,
      receivedAt: new Date().toISOString(),
    };
    this.log.push(entry);
    res.end(JSON.stringify({ result: { opId: op.opId, outcome: 'applied', status: op.to, version, duplicate: false } }));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
