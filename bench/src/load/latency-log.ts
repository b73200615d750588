/**
 * Send-to-receipt latency across sockets without decoding content: every sender logs the
 * end clock of each update it sends; a receiver reads only what the update covers (its
 * first bytes for a typed run, `singleRunEnd`, else `Y.parseUpdateMeta`) and credits every
 * logged send the relayed update covers. This works whatever the server does to the bytes
 * (re-encoding, merging several updates).
 */
import * as Y from 'yjs';
import { singleRunEnd } from './update-head';

interface SenderLog {
  ends: number[];
  sentAt: number[];
}

/** Latencies of one measurement window. */
export class LatencyLog {
  private readonly senders = new Map<number, SenderLog>();
  readonly samples: number[] = [];
  /** Sends are logged only while true; receipts of logged sends are always counted. */
  recording = false;
  sent = 0;

  /** Registers a sender's Yjs client id. */
  addSender(clientId: number): void {
    this.senders.set(clientId, { ends: [], sentAt: [] });
  }

  /** Logs a send: the end clock (exclusive) of the sender's items in it. */
  logSend(clientId: number, end: number, at: number): void {
    if (!this.recording) return;
    const log = this.senders.get(clientId)!;
    log.ends.push(end);
    log.sentAt.push(at);
    this.sent++;
  }

  /** A receiver: returns the handler to call with each relayed update. */
  receiver(ownClientId: number): (update: Uint8Array, at: number) => void {
    const cursor = new Map<number, number>();
    const credit = (client: number, to: number, at: number) => {
      if (client === ownClientId) return;
      const log = this.senders.get(client);
      if (!log) return;
      let i = cursor.get(client) ?? 0;
      while (i < log.ends.length && log.ends[i]! <= to) {
        this.samples.push(at - log.sentAt[i]!);
        i++;
      }
      cursor.set(client, i);
    };
    return (update, at) => {
      const run = singleRunEnd(update);
      if (run) return credit(run.client, run.to, at);
      for (const [client, to] of Y.parseUpdateMeta(update).to) credit(client, to, at);
    };
  }
}
