import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { classifyUpdate } from './classify';
import { jobRoots, newJobDoc, readJob } from './doc';
import { markMessagesRead, messageThread, sendMessage, unreadCount } from './messages';
import type { Writer } from './ownership';

const alice: Writer = { userId: 'alice', role: 'technician' };
const dana: Writer = { userId: 'dana', role: 'dispatcher' };

function officeJob(): Y.Doc {
  const doc = newJobDoc('job-1');
  sendMessage(doc, { id: 'm1', author: 'dana', text: 'Gate code is 4411', at: '2026-11-26T09:00:00.000Z' });
  return doc;
}

/** What the relay says to `writer` sending `change` made on a copy of `server`. */
function verdictOf(server: Y.Doc, writer: Writer, change: (doc: Y.Doc) => void) {
  const device = new Y.Doc();
  Y.applyUpdate(device, Y.encodeStateAsUpdate(server));
  change(device);
  return classifyUpdate(Y.encodeStateAsUpdate(device, Y.encodeStateVector(server)), server, writer);
}

describe('job messages', () => {
  it('lets a technician answer the office in the job, as themself only', () => {
    const server = officeJob();
    expect(verdictOf(server, alice, (d) => sendMessage(d, { id: 'm2', author: 'alice', text: 'Thanks', at: 't' })).ok).toBe(true);
    expect(verdictOf(server, alice, (d) => sendMessage(d, { id: 'm2', author: 'dana', text: 'Job done, no charge', at: 't' }))).toMatchObject({
      ok: false,
      code: 'wrong_author',
      detail: expect.stringContaining('messages['),
    });
  });

  it('refuses changing a message once sent, even by its author; only the office takes one down', () => {
    const server = officeJob();
    const text = (d: Y.Doc) => (jobRoots(d).messages.get(0) as Y.Map<unknown>).set('text', 'Gate code is 0000');
    expect(verdictOf(server, dana, text)).toMatchObject({ ok: false, code: 'bad_field' });
    expect(verdictOf(server, alice, (d) => jobRoots(d).messages.delete(0, 1))).toMatchObject({ ok: false, code: 'office_field' });
    expect(verdictOf(server, dana, (d) => jobRoots(d).messages.delete(0, 1)).ok).toBe(true);
  });

  it("keeps each person's read mark their own: the office cannot mark a technician's messages read", () => {
    const server = officeJob();
    expect(verdictOf(server, alice, (d) => markMessagesRead(d, 'alice')).ok).toBe(true);
    expect(verdictOf(server, dana, (d) => markMessagesRead(d, 'alice'))).toMatchObject({ ok: false, code: 'wrong_author', detail: expect.stringContaining('messageReads.alice') });
  });

  it('counts a message written offline as unread when it arrives, though older than ones already read', () => {
    const office = officeJob();
    const tech = new Y.Doc();
    Y.applyUpdate(tech, Y.encodeStateAsUpdate(office));
    // The office writes at 09:30 while offline; the technician reads everything else at 10:00.
    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(office));
    sendMessage(offline, { id: 'm0', author: 'dana', text: 'Bring the ladder', at: '2026-11-26T09:30:00.000Z' });
    sendMessage(office, { id: 'm3', author: 'dana', text: 'Customer home after 10', at: '2026-11-26T09:45:00.000Z' });
    Y.applyUpdate(tech, Y.encodeStateAsUpdate(office));
    markMessagesRead(tech, 'alice');
    expect(unreadCount(readJob(tech).messages, readJob(tech).messageReads, 'alice')).toBe(0);
    Y.applyUpdate(tech, Y.encodeStateAsUpdate(offline));
    const job = readJob(tech);
    expect(unreadCount(job.messages, job.messageReads, 'alice')).toBe(1);
    expect(messageThread(job.messages).map((m) => m.text)).toEqual(['Gate code is 4411', 'Bring the ladder', 'Customer home after 10']);
  });

  it('shows both sides the same conversation after messages crossed offline', () => {
    const office = officeJob();
    const tech = new Y.Doc();
    Y.applyUpdate(tech, Y.encodeStateAsUpdate(office));
    sendMessage(tech, { id: 'a1', author: 'alice', text: 'Compressor is dead', at: '2026-11-26T10:00:00.000Z' });
    sendMessage(office, { id: 'd1', author: 'dana', text: 'Any news?', at: '2026-11-26T10:00:00.000Z' });
    Y.applyUpdate(office, Y.encodeStateAsUpdate(tech));
    Y.applyUpdate(tech, Y.encodeStateAsUpdate(office));
    expect(messageThread(readJob(tech).messages)).toEqual(messageThread(readJob(office).messages));
    expect(messageThread(readJob(tech).messages).map((m) => m.id)).toEqual(['m1', 'a1', 'd1']);
  });

  it('writes no read mark when everything is already read', () => {
    const doc = officeJob();
    expect(markMessagesRead(doc, 'alice')).toBe(true);
    expect(markMessagesRead(doc, 'alice')).toBe(false);
    expect(markMessagesRead(doc, 'dana')).toBe(false);
  });
});
