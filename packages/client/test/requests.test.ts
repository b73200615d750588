/**
 * A request raised offline waits in the outbox like every step, with the photo it names
 * in the job and the blob queue, and becomes one requested job when the device reconnects.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { requestJobId } from '@outpost/shared';
import { until, World } from './harness';

const PNG = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3, 4]);

describe('requests from the field', () => {
  let world: World;
  afterEach(() => world.close());

  it('keeps a request made offline in the outbox and makes it one requested job with its photo after reconnecting', async () => {
    world = await World.start();
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice');
    const job = await phone.openJob('job-1001');
    await job.whenSynced();

    link.cut();
    const photo = await phone.blobs.putPhoto('job-1001', PNG, { kind: 'damage', mime: 'image/png', caption: 'Seized compressor' });
    const item = await phone.submitOp('job-1001', {
      kind: 'request',
      request: { title: 'Compressor needs replacing — quote', description: 'Seized.', photoIds: [photo.id], equipmentIds: [] },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(phone.outbox.list().queued.map((i) => i.opId)).toEqual([item.opId]);
    const id = requestJobId(item.opId);
    expect(await world.server.store.getJob(id)).toBeNull();

    link.restore();
    phone.syncNow();
    await until('the request was sent', () => phone.outbox.list().sent.some((i) => i.opId === item.opId), 20_000);
    const made = await world.server.store.getJob(id);
    expect(made).toMatchObject({ status: 'requested', customerId: 'cust-1', assignees: [] });
    expect((await world.server.store.listJobs()).filter((j) => j.id.startsWith('req-'))).toHaveLength(1);
    await until('the photo bytes are on the server', async () => (await world.server.store.getBlob(photo.id)) !== null, 20_000);
  });
});
