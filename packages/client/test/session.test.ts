import { afterEach, describe, expect, it } from 'vitest';
import { addNote } from '@outpost/shared';
import { until, World } from './harness';

describe('an expired session', () => {
  let world: World;
  afterEach(() => world.close());

  it('keeps offline work when the token expired meanwhile, asks once to sign in again, then uploads', async () => {
    world = await World.start({ tokenTtlSeconds: 2 });
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice');
    const reasons: string[] = [];
    phone.on('sessionExpired', (e) => reasons.push(e.reason));
    const job = await phone.openJob('job-1001');
    await job.whenSynced();

    link.cut();
    addNote(job.doc, { id: 'n1', author: 'alice', createdAt: new Date().toISOString(), text: 'Typed while the token ran out' });
    await phone.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    await new Promise((r) => setTimeout(r, 2_200));
    link.restore();
    phone.syncNow();
    await until('the app was asked to sign in again', () => reasons.length > 0, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(reasons).toHaveLength(1);
    expect(phone.status.get().pending).toBe(2);

    await phone.login('alice', 'outpost');
    await until('everything uploaded', () => phone.status.get().state === 'online', 20_000);
    expect(phone.outbox.list().sent).toHaveLength(1);
  });

  it('refuses a wrong password with the shared error, and says so when the server cannot be reached', async () => {
    world = await World.start();
    const link = await world.link();
    const phone = await world.device('alice-phone', link);
    await expect(phone.login('alice', 'wrong')).rejects.toMatchObject({ name: 'OutpostError', code: 'bad_credentials' });
    link.cut();
    await expect(phone.login('alice', 'outpost')).rejects.toMatchObject({ code: 'unavailable' });
    expect(phone.user).toBeNull();
  });
});
