import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { peersOf } from '@outpost/client/react';
import { until, World } from './harness';

describe('presence in a job', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it('shows who else is in the job and which note they edit, as the server vouches, and when they leave', async () => {
    const alice = await world.device('alice-phone', await world.link(), 'alice');
    const bob = await world.device('bob-phone', await world.link(), 'bob');
    const mine = await alice.openJob('job-1004');
    const his = await bob.openJob('job-1004');
    await Promise.all([mine.whenSynced(), his.whenSynced()]);

    his.awareness.setLocalState({ user: { id: 'dana', name: 'Not Dana', role: 'dispatcher' }, editingNoteId: 'n7' });
    await until('alice sees bob editing', () => peersOf(mine.awareness).some((p) => p.editingNoteId === 'n7'));
    const bobSeen = peersOf(mine.awareness).find((p) => p.editingNoteId === 'n7')!;
    expect(bobSeen.user).toMatchObject({ id: 'bob', role: 'technician' });

    his.close();
    await until('bob left', () => !peersOf(mine.awareness).some((p) => p.user.id === 'bob'), 10_000);
  });
});
