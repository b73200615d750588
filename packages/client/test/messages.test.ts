/**
 * Job messages between the office and a technician, through the real server: "sent" only
 * once the server holds a message, delivery to an online device within a second, and
 * messages written offline arriving, in order, with the next sync.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { messageThread, readJob, sendMessage, unreadCount } from '@outpost/shared';
import { GatedStore } from './gated-store';
import { until, World } from './harness';

const say = (id: string, author: string, text: string) => ({ id, author, text, at: new Date().toISOString() });

describe('job messages', () => {
  let world: World;
  afterEach(() => world.close());

  it('shows a message as pending until the server has committed it, then as sent', async () => {
    const gate = new GatedStore();
    world = await World.start({ store: (dir) => gate.wrap(dir) });
    const alice = await world.device('alice-phone', await world.link(), 'alice');
    const job = await alice.openJob('job-1001');
    await job.whenSynced();

    gate.shut();
    sendMessage(job.doc, say('m1', 'alice', 'Compressor is seized'));
    await until('the server received the message but holds its commit', () => gate.held > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(job.unsent.get()).toContain('messages/m1');

    gate.reopen();
    await until('the message is sent', () => !job.unsent.get().includes('messages/m1'));
  });

  it("brings the office's message to an online technician within a second, and counts it unread", async () => {
    world = await World.start();
    const alice = await world.device('alice-phone', await world.link(), 'alice');
    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    const tech = await alice.openJob('job-1001');
    const office = await dana.openJob('job-1001');
    await Promise.all([tech.whenSynced(), office.whenSynced()]);

    const sentAt = Date.now();
    sendMessage(office.doc, say('d1', 'dana', 'Customer asks you to call before arriving'));
    await until('the technician has the message', () => readJob(tech.doc).messages.length === 1, 1_000);
    expect(Date.now() - sentAt).toBeLessThan(1_000);
    const job = readJob(tech.doc);
    expect(unreadCount(job.messages, job.messageReads, 'alice')).toBe(1);
  });

  it('delivers messages written on both sides while the technician was offline, in the order written', async () => {
    world = await World.start();
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    const tech = await alice.openJob('job-1001');
    const office = await dana.openJob('job-1001');
    await Promise.all([tech.whenSynced(), office.whenSynced()]);

    link.cut();
    sendMessage(tech.doc, say('a1', 'alice', 'No signal in the plant room'));
    await new Promise((r) => setTimeout(r, 5));
    sendMessage(office.doc, say('d1', 'dana', 'Are you on site?'));
    await new Promise((r) => setTimeout(r, 5));
    sendMessage(tech.doc, say('a2', 'alice', 'Part needed: compressor'));
    await new Promise((r) => setTimeout(r, 300));
    expect(tech.unsent.get()).toEqual(expect.arrayContaining(['messages/a1', 'messages/a2']));
    expect(readJob(tech.doc).messages.map((m) => m.id)).not.toContain('d1');

    link.restore();
    alice.syncNow();
    await until('both messages are sent', () => !tech.unsent.get().some((t) => t.startsWith('messages/')), 20_000);
    await until('the office has both', () => readJob(office.doc).messages.length === 3);
    await until('the technician has the office message', () => readJob(tech.doc).messages.length === 3);
    const order = ['a1', 'd1', 'a2'];
    expect(messageThread(readJob(tech.doc).messages).map((m) => m.id)).toEqual(order);
    expect(messageThread(readJob(office.doc).messages).map((m) => m.id)).toEqual(order);
  });
});
