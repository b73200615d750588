import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, JOBS, startOutpost, type Outpost } from './support/outpost';
import { ackedEditsSurviveKill, opsApplyOnce } from './support/scenarios';
import { scaled, withSeed } from './support/seed';
import { ServerProcess } from './support/server-process';
import { tokenFor } from './support/tokens';

const KILLS = scaled(3, 12);

describe('durable acks survive SIGKILL', () => {
  const secret = 'durability-secret';
  let dataDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'outpost-durable-'));
    server = await ServerProcess.start({ dataDir, secret });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`keeps every durably acked note through ${KILLS} kills in mid-stream`, async () => {
    await withSeed('acked survive kill', async (rng) => {
      let acked = 0;
      let edits = 0;
      for (let k = 0; k < KILLS; k++) {
        const report = await ackedEditsSurviveKill(server, { jobId: JOBS.shared, token: tokenFor('valid', DEMO.dana, secret)!, author: DEMO.dana.id, rng });
        expect(report.lost, `kill ${k + 1}: ${report.lost.length} of ${report.acked} acked notes lost`).toEqual([]);
        expect(report.violations).toEqual([]);
        acked += report.acked;
        edits += report.edits;
      }
      console.info(`[durability] ${KILLS} SIGKILLs, ${edits} notes typed, ${acked} durably acked, 0 lost`);
      expect(acked).toBeGreaterThan(0);
    });
  });
});

describe('workflow ops apply exactly once', () => {
  let outpost: Outpost;
  beforeAll(async () => {
    outpost = await startOutpost();
  });
  afterAll(async () => {
    await outpost?.stop();
  });

  it('answers every retried op with its first answer and logs each op once, in device order', async () => {
    await withSeed('ops exactly once', async (rng) => {
      const report = await opsApplyOnce(
        { url: outpost.url, token: outpost.token(DEMO.dana)! },
        { jobId: JOBS.bobOnly, deviceId: 'dana-laptop', rng, ops: scaled(40, 400), statuses: ['en_route', 'on_site', 'in_progress', 'on_hold', 'scheduled', 'cancelled'] },
      );
      expect(report.retried).toBeGreaterThan(0);
      expect(report.problems).toEqual([]);
    });
  });
});
