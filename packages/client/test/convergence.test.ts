import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addNote, readJob, setChecklistDone, setMeta } from '@outpost/shared';
import type { JobHandle, OutpostEngine } from '@outpost/client';
import { until, World, type NetworkLink } from './harness';

const JOB = 'job-1004'; // assigned to alice and bob

describe('two technicians and a dispatcher', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it('converge after each was offline at a different time', async () => {
    const people: { name: string; link: NetworkLink; engine: OutpostEngine; job: JobHandle }[] = [];
    for (const [user, device] of [
      ['alice', 'alice-phone'],
      ['bob', 'bob-phone'],
      ['dana', 'dana-laptop'],
    ] as const) {
      const link = await world.link();
      const engine = await world.device(device, link, user);
      const job = await engine.openJob(JOB);
      await job.whenSynced();
      people.push({ name: user, link, engine, job });
    }
    const [alice, bob, dana] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    const checklist = readJob(alice.job.doc).checklist;
    const now = () => new Date().toISOString();

    alice.link.cut();
    addNote(alice.job.doc, { id: 'a1', author: 'alice', createdAt: now(), text: 'Glycol at 30%' });
    setChecklistDone(alice.job.doc, checklist[0]!.id, true, 'alice', now());
    addNote(bob.job.doc, { id: 'b1', author: 'bob', createdAt: now(), text: 'Pump seal weeping' });
    bob.link.cut();
    alice.link.restore();
    setChecklistDone(bob.job.doc, checklist[1]!.id, true, 'bob', now());
    dana.link.cut();
    setMeta(dana.job.doc, { title: 'Glycol chiller leak check (urgent)' });
    addNote(dana.job.doc, { id: 'd1', author: 'dana', createdAt: now(), text: 'Customer asks for a quote' });
    bob.link.restore();
    dana.link.restore();

    for (const p of people) await until(`${p.name} is online`, () => p.engine.status.get().state === 'online', 20_000);
    // Converged: all three hold the same job (compared with each other, not with one frozen copy:
    // "online" says this device's edits are durable, not that it has received everyone else's).
    await until('all three converge', () => new Set(people.map((p) => JSON.stringify(readJob(p.job.doc)))).size === 1, 20_000);
    const job = readJob(alice.job.doc);
    expect(job.notes.map((n) => n.id).sort()).toEqual(['a1', 'b1', 'd1']);
    expect(
      job.checklist
        .filter((c) => c.done)
        .map((c) => c.doneBy)
        .sort(),
    ).toEqual(['alice', 'bob']);
    expect(job.meta.title).toBe('Glycol chiller leak check (urgent)');
  });
});
