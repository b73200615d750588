/**
 * Seeding a job with a long history through a socket, paced by acks: the device sends each
 * field action as one update message, at most 500 unacknowledged, and waits until all are
 * acknowledged (echoed, for y-websocket-server). Used by the memory (a large hibernated
 * doc) and large-document scenarios.
 */
import { EchoAck, endClock } from './echo-ack';
import { captureUpdates, fieldAction, newFieldDevice, type FieldDevice } from './field-work';
import { openJob, settle, type JobLink, type Target } from './targets';

/** Sends `updates` one message each, paced by acks; resolves when all are acknowledged. */
export async function sendPaced(link: JobLink, echo: EchoAck | null, clientId: number, updates: Uint8Array[]): Promise<void> {
  let last = link.session.contentSent;
  for (const [i, u] of updates.entries()) {
    last = link.client.sendUpdate(link.session, u);
    echo?.sent(endClock(u, clientId));
    if (i % 500 === 499) await link.client.waitAck(link.session, last - 250, 120_000);
  }
  await link.client.waitAck(link.session, last, 120_000);
}

/** Opens `jobId` as a device, makes `actions` field actions and sends them; the socket stays open. */
export async function seedBigJob(target: Target, jobId: string, actions: number): Promise<{ link: JobLink; device: FieldDevice; echo: EchoAck | null }> {
  const device = newFieldDevice(jobId, 'alice');
  const link = openJob(target, jobId, device.doc);
  await settle(link, target.kind, 30_000);
  const echo = target.kind === 'ywss' ? new EchoAck(link.session, device.doc.clientID) : null;
  const updates = captureUpdates(device.doc, () => {
    for (let i = 0; i < actions; i++) fieldAction(device);
  });
  await sendPaced(link, echo, device.doc.clientID, updates);
  return { link, device, echo };
}
