import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, newJobDoc } from '@outpost/shared';
import { divergence, opLogProblems, type LoggedOp } from './support/checks';
import { ForgetfulOpServer, HastyRelay } from './support/doubles';
import { ackedEditsSurviveKill, opsApplyOnce } from './support/scenarios';
import { withSeed } from './support/seed';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function entry(over: Partial<LoggedOp>): LoggedOp {
  return { seq: 1, opId: 'a', jobId: 'j', deviceId: 'd', deviceSeq: 1, outcome: 'applied', version: 1, receivedAt: '2025-01-01T00:00:00.000Z', ...over };
}

describe('the checkers catch a broken server', () => {
  it('catches a relay that acks before it commits', async () => {
    await withSeed('hasty relay', async (rng) => {
      const dir = mkdtempSync(join(tmpdir(), 'outpost-hasty-'));
      const relay = new HastyRelay(join(dir, 'updates.log'), 400);
      await relay.restart();
      cleanups.push(
        () => relay.kill(),
        () => rmSync(dir, { recursive: true, force: true }),
      );
      const report = await ackedEditsSurviveKill(relay, { jobId: 'job-1', token: 't', author: 'fault-suite', rng, killAfterMs: 600 });
      expect(report.acked).toBeGreaterThan(0);
      expect(report.lost.length).toBeGreaterThan(0);
    });
  });

  it('catches an op endpoint that ignores opIds', async () => {
    await withSeed('forgetful ops', async (rng) => {
      const server = new ForgetfulOpServer();
      await server.start();
      cleanups.push(() => server.close());
      const report = await opsApplyOnce({ url: server.url, token: 't' }, { jobId: 'job-1', deviceId: 'dev-1', rng, ops: 30, statuses: ['en_route', 'on_site'] });
      expect(report.retried).toBeGreaterThan(0);
      expect(report.problems.some((p) => /in the log \d+ times/.test(p))).toBe(true);
    });
  });

  it('flags ops applied out of device order, gaps in the log and lost ops', () => {
    const submitted = [1, 2, 3].map((n) => ({ opId: `o${n}`, jobId: 'j', deviceId: 'd', deviceSeq: n }));
    const outOfOrder = [entry({ seq: 1, opId: 'o2', deviceSeq: 2 }), entry({ seq: 2, opId: 'o1', deviceSeq: 1, version: 2, receivedAt: '2025-01-01T00:00:01.000Z' })];
    expect(opLogProblems(outOfOrder, submitted)).toEqual(
      expect.arrayContaining([expect.stringMatching(/missing/), expect.stringMatching(/seq 1 applied after 2/), expect.stringMatching(/seq 2 received before seq 1/)]),
    );
    const skipped = submitted.map((o, i) => entry({ seq: i + 1, opId: o.opId, deviceSeq: o.deviceSeq, version: i === 2 ? 5 : i + 1 }));
    expect(opLogProblems(skipped, submitted)).toEqual([expect.stringMatching(/version 2 → 5/)]);
  });

  it('flags docs that did not converge, including a missing deletion', () => {
    const a = newJobDoc('j');
    addNote(a, { id: 'n1', author: 'x', createdAt: '', text: 'hi' });
    const b = newJobDoc('j');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(
      divergence([
        { name: 'a', doc: a },
        { name: 'b', doc: b },
      ]),
    ).toEqual([]);
    const c = newJobDoc('j');
    Y.applyUpdate(c, Y.encodeStateAsUpdate(a));
    a.getArray('notes').delete(0, 1);
    expect(
      divergence([
        { name: 'a', doc: a },
        { name: 'c', doc: c },
      ]),
    ).toEqual([expect.stringMatching(/deletion/)]);
  });
});
