/**
 * Job messages through the relay: a message reaches everyone in the job and is durably
 * acked to its sender; one that names someone else as its author, or a read mark written
 * for someone else, is refused on the socket with the field named, and the job keeps
 * nothing of it.
 */
import { markMessagesRead, readJob, sendMessage } from '@outpost/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectRelay, type RelayClient } from './support/relay-client';
import { login, startTestServer, until, type TestServer } from './support/server';

describe('job messages through the relay', () => {
  let server: TestServer;
  let alice: string;
  let dana: string;
  const clients: RelayClient[] = [];
  beforeEach(async () => {
    server = await startTestServer();
    [alice, dana] = await Promise.all([login(server, 'alice'), login(server, 'dana')]);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.dispose();
  });
  const connect = async (token: string) => {
    const c = await connectRelay(server.wsBase, 'job-1001', token);
    clients.push(c);
    return c;
  };

  it('relays an office message to the technician and acks it to the office once stored', async () => {
    const office = await connect(dana);
    const tech = await connect(alice);
    office.edit((doc) => sendMessage(doc, { id: 'd1', author: 'dana', text: 'Gate code 4411', at: new Date().toISOString() }));
    await until(() => readJob(tech.doc).messages.some((m) => m.id === 'd1'), 5000, 'the message at the technician');
    await until(() => office.ackedUpTo > 0, 5000, 'the durable ack');
  });

  it('refuses a message a technician signs with the office’s name, and a read mark for someone else', async () => {
    const forger = await connect(alice);
    forger.edit((doc) => sendMessage(doc, { id: 'f1', author: 'dana', text: 'No charge for this visit', at: new Date().toISOString() }));
    expect(await forger.closedWithin()).toBe(4403);
    expect(forger.errors[0]).toMatchObject({ code: 'wrong_author', message: expect.stringContaining('messages[') });

    const office = await connect(dana);
    office.edit((doc) => sendMessage(doc, { id: 'd2', author: 'dana', text: 'Call first', at: new Date().toISOString() }));
    await until(() => office.ackedUpTo > 0, 5000, 'the office message stored');
    office.edit((doc) => markMessagesRead(doc, 'alice'));
    expect(await office.closedWithin()).toBe(4403);

    const reader = await connect(alice);
    expect(readJob(reader.doc).messages.map((m) => m.id)).toEqual(['d2']);
    expect(readJob(reader.doc).messageReads).toEqual({});
  });
});
