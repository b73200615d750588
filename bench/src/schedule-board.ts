/**
 * The dispatcher's schedule board at scale (issue 17): 200 jobs and 20 technicians seeded
 * through the API (technicians through the store: the server has no user API), the board
 * opened at 1920×1080 in Chromium, and the board's own `desk-render` measure read back —
 * first the render of the board read with all 200 jobs, then every re-render while 60
 * assignments stream in (10 a second) with long tasks counted.
 *
 *   npx tsx --conditions=development bench/src/schedule-board.ts
 */
import { startServer } from '@outpost/server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildOnce } from '../../apps/field-web/test/e2e/build-once';
import { chromiumArgs, chromiumPath } from '../../test-support/requirements';

/** A JSON body as parsed: several routes' JSON answers, each read where used. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON as parsed, read field by field where used
type Json = any;

const JOBS = 200;
const TECHNICIANS = 20;
const STREAM = 60;

const webDir = await buildOnce();
const dataDir = mkdtempSync(join(tmpdir(), 'outpost-desk-bench-'));
// 200 jobs created in a row by one dispatcher: past the per-user HTTP write budget, which is not what this measures.
const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, seed: 'demo', webDir, limits: { httpWritesPerSecond: 1_000_000, httpWriteBurst: 1_000_000 } });
const url = server.url.replace(/\/$/, '');
const post = async (path: string, token: string, body: unknown) => {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Json>;
};
try {
  const { passwordHash } = (await server.store.getUser('alice'))!;
  const techs = Array.from({ length: TECHNICIANS }, (_, i) => `tech-${String(i + 1).padStart(2, '0')}`);
  for (const id of techs) await server.store.putUser({ id, username: id, name: `Technician ${id.slice(5)}`, role: 'technician', passwordHash });
  const { token } = await post('/api/auth/login', '', { username: 'dana', password: 'outpost' });
  const customerId = (await server.store.listCustomers())[0]!.id;
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  const jobIds: string[] = [];
  for (let i = 0; i < JOBS; i++) {
    const start = new Date(today.getTime() + ((i % 2) * 24 + 6 + ((i * 7) % 13)) * 3_600_000);
    const { job } = await post('/api/jobs', token, {
      title: `Service call ${i + 1}`, customerId, siteAddress: `${i + 1} Bench St`,
      windowStart: start.toISOString(), windowEnd: new Date(start.getTime() + 90 * 60_000).toISOString(),
      assignees: i % 10 === 9 ? [] : [techs[i % TECHNICIANS]!], checklist: [],
    });
    jobIds.push(job.id);
  }

  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  await page.goto(`${url}/`);
  await page.getByRole('button', { name: /^dana / }).click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=desk-block]').length >= n, JOBS - 20, { timeout: 60_000 });
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask' });
  });
  const resourcesBefore = await page.evaluate(() => performance.getEntriesByType('resource').length);
  // A quiet baseline first: long tasks the board's own clocks and priming cause with nothing streaming.
  await new Promise((r) => setTimeout(r, 6000));
  const idleRequests = await page.evaluate((n) => {
    const counts: Record<string, number> = {};
    for (const e of performance.getEntriesByType('resource').slice(n)) {
      const path = new URL(e.name).pathname.replace(/job-\d+/, ':job');
      counts[path] = (counts[path] ?? 0) + 1;
    }
    return counts;
  }, resourcesBefore);
  const idleLongTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.splice(0));
  const renders = () => page.evaluate(() => performance.getEntriesByName('desk-render').map((e) => ({ ms: e.duration, ...(e as PerformanceMeasure).detail })));
  const first = (await renders()).find((r) => r.jobs >= JOBS);
  const before = (await renders()).length;

  for (let i = 0; i < STREAM; i++) {
    const jobId = jobIds[(i * 13) % JOBS]!;
    await post(`/api/jobs/${encodeURIComponent(jobId)}/ops`, token, {
      opId: crypto.randomUUID(), jobId, deviceId: 'bench-office', deviceSeq: i + 1, occurredAt: new Date().toISOString(),
      docState: '', kind: 'assign', assignees: [techs[(i * 3) % TECHNICIANS]!],
    });
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 3500));
  const during = (await renders()).slice(before).map((r) => r.ms);
  const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
  await page.screenshot({ path: fileURLToPath(new URL('../../docs/screenshots/desk-board-1920-200-jobs.png', import.meta.url)) });
  const blocks = await page.locator('[data-testid=desk-block]').count();
  const lanes = await page.locator('[data-testid=desk-lane]').count();
  console.log(JSON.stringify({
    jobs: JOBS, technicians: TECHNICIANS, blocks, lanes,
    firstRenderMs: first ? Math.round(first.ms * 10) / 10 : null,
    streamedOps: STREAM, rerenders: during.length,
    rerenderMaxMs: during.length ? Math.round(Math.max(...during) * 10) / 10 : null,
    rerenderMedianMs: during.length ? Math.round([...during].sort((a, b) => a - b)[Math.floor(during.length / 2)]! * 10) / 10 : null,
    idleRequests,
    idleLongTasks6s: idleLongTasks.length, idleLongestTaskMs: idleLongTasks.length ? Math.round(Math.max(...idleLongTasks)) : 0,
    longTasksDuringStream: longTasks.length, longestTaskMs: longTasks.length ? Math.round(Math.max(...longTasks)) : 0,
  }, null, 2));
  await browser.close();
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
