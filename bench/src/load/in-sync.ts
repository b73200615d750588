/**
 * "In sync" as each server can show it: the device has the server's state (sync step 2)
 * and the server has taken everything the device holds — Outpost's durable ack, Hocuspocus's
 * SyncStatus, or for y-websocket-server (no ack) the relay echoing the device's last clock.
 */
import * as Y from 'yjs';
import type { ServerKind } from '../servers/server';
import type { JobLink } from './targets';

/** Resolves when `link` is in sync both ways for `doc`; event-driven, no polling. */
export async function inSync(link: JobLink, kind: ServerKind, doc: Y.Doc, timeoutMs: number): Promise<void> {
  if (kind !== 'ywss') {
    await link.client.waitSynced(link.session, timeoutMs);
    await link.client.waitAck(link.session, link.session.contentSent, timeoutMs);
    return;
  }
  const clock = Y.getState(doc.store, doc.clientID);
  let echoed = clock === 0;
  const previous = link.session.onUpdate;
  const seen = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`y-websocket-server never echoed ${link.session.docName}`)), timeoutMs);
    const done = () => (clearTimeout(timer), resolve());
    if (echoed) return done();
    link.session.onUpdate = (update, at) => {
      previous?.(update, at);
      if (!echoed && (Y.parseUpdateMeta(update).to.get(doc.clientID) ?? 0) >= clock) {
        echoed = true;
        done();
      }
    };
  });
  await link.client.waitSynced(link.session, timeoutMs);
  await seen;
}
