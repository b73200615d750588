/**
 * Reference data pushed, not polled (issue 15.2): the office changes a customer, a piece of
 * equipment or the pricebook; the server pushes `referenceChanged` over the device channel;
 * the device re-reads just that record into its primed cache — on a real server and socket.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until, World } from './harness';

describe('reference data pushed to the device', () => {
  let world: World;
  /** API paths the device fetched, in order (the catch-up's health probes left out). */
  let fetched: string[];
  const recording: typeof fetch = (input, init) => {
    const path = new URL(String(input)).pathname;
    if (path.startsWith('/api/')) fetched.push(path);
    return fetch(input, init);
  };
  beforeEach(async () => {
    world = await World.start();
    fetched = [];
  });
  afterEach(() => world.close());

  async function primedAlice() {
    const alice = await world.device('alice-phone', await world.link(), 'alice', { fetch: recording });
    await alice.priming.prime();
    await until('the channel is open', () => world.server.relay.channels.count === 1);
    fetched = [];
    return alice;
  }

  it('re-reads a customer the office changed within 1 s, fetching only that customer', async () => {
    const alice = await primedAlice();
    const told: string[] = [];
    alice.on('referenceChanged', (c) => told.push(`${c.kind}:${c.id}`));
    const before = (await alice.priming.customers()).find((c) => c.id === 'cust-1')!;
    const t0 = Date.now();
    await world.server.reference.putCustomer({ ...before, phone: '555-0199', notes: 'Gate code 4471' });
    await until('the cached customer updated', async () => (await alice.priming.customers()).find((c) => c.id === 'cust-1')?.phone === '555-0199', 1000);
    const latency = Date.now() - t0;
    console.log(`[reference push] customer change → device cache: ${latency} ms`);
    expect(latency).toBeLessThan(1000);
    expect((await alice.priming.customers()).find((c) => c.id === 'cust-1')).toMatchObject({ notes: 'Gate code 4471' });
    await until('the app told', () => told.join() === 'customer:cust-1');
    expect(fetched).toEqual(['/api/customers/cust-1']);
    // The cache matches the server's manifest again: the next list refresh does not re-prime.
    const primedAt = alice.priming.get().primedAt;
    await alice.priming.refresh();
    expect(alice.priming.get().primedAt).toBe(primedAt);
    expect(fetched).toEqual(['/api/customers/cust-1', '/api/me/jobs']);
  });

  it('ignores a customer none of its jobs is for, and drops equipment taken off its jobs', async () => {
    const alice = await primedAlice();
    await world.server.reference.putCustomer({ id: 'cust-2', name: 'Bob only', phone: '1', email: 'x@example.com', address: 'a' });
    const piece = (await alice.priming.equipment())[0]!;
    const bobJob = (await world.server.store.listJobs({ assignee: 'bob' })).find((j) => !j.assignees.includes('alice'))!.id;
    const full = (await world.server.store.listEquipment({ ids: [piece.id] }))[0]!;
    await world.server.reference.putEquipment({ ...full, jobIds: [bobJob] });
    const counted = alice.priming.get().counts.equipment;
    await until(
      'the equipment left the cache, and the count with it',
      async () => !(await alice.priming.equipment()).some((e) => e.id === piece.id) && alice.priming.get().counts.equipment === counted - 1,
      1000,
    );
    expect(fetched).toEqual([`/api/equipment/${piece.id}`]);
  });

  it('re-reads the pricebook at its new version, once', async () => {
    const alice = await primedAlice();
    const t0 = Date.now();
    await world.server.reference.putPricebookItems([
      { id: 'pb-new-cap', sku: 'CAP-45-5', description: 'Dual run capacitor 45/5 µF', unitPriceCents: 3450, category: 'Electrical' },
    ]);
    await until('the new item cached', async () => (await alice.priming.pricebook()).some((i) => i.id === 'pb-new-cap'), 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(fetched).toEqual(['/api/pricebook']);
    await alice.priming.refresh();
    expect(fetched).toEqual(['/api/pricebook', '/api/me/jobs']);
  });

  it('catches up on a pricebook change it missed while offline when the lists are re-read after the reconnect', async () => {
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice', { fetch: recording });
    await alice.priming.prime();
    link.cut();
    await until('the channel is gone', () => world.server.relay.channels.count === 0);
    await world.server.reference.putPricebookItems([{ id: 'pb-missed', sku: 'FLT-20', description: 'Filter 20x20', unitPriceCents: 900, category: 'Filters' }]);
    link.restore();
    fetched = [];
    const stale = new Promise<void>((resolve) => alice.on('listsStale', () => resolve()));
    alice.syncNow();
    await stale;
    await alice.priming.refresh();
    expect((await alice.priming.pricebook()).some((i) => i.id === 'pb-missed')).toBe(true);
    expect(fetched).toEqual(['/api/me/jobs', '/api/pricebook']);
  });
});
