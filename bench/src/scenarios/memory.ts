/**
 * Scenario 6, memory: RSS per loaded idle job and per idle connection. After a GC we read
 * the server's RSS (and V8 heap) with no jobs loaded, after N jobs are loaded with one
 * connection each (every job holds the same technician content), and after a second idle
 * connection to each job. Per connection = the second delta / N; per idle job = the first
 * delta / N minus one connection.
 */
import { ServerProcess } from '../harness/server-process';
import { round, sleep } from '../harness/stats';
import { fieldAction, newFieldDevice } from '../load/field-work';
import { openJob, settle, type JobLink, type Target } from '../load/targets';
import { SERVER_LABELS, type ServerKind } from '../servers/server';
import type { BenchContext, ResultRow, Scenario } from './scenario';

const ACTIONS_PER_JOB = 20;
const KB = 1024;
/** How long the jobs sit idle before they are measured: past Outpost's hibernation (10 s unused, swept every 2.5 s). */
const IDLE_WAIT_MS = 13_000;

async function measure(kind: ServerKind, jobs: number): Promise<Record<string, number>> {
  const server = await ServerProcess.start(kind);
  const links: JobLink[] = [];
  try {
    const target: Target = { kind, port: server.port, ...(await server.prepare(jobs)) };
    await sleep(500);
    const base = await server.gcStats();
    for (const jobId of target.jobIds) {
      const device = newFieldDevice(jobId, 'alice');
      for (let i = 0; i < ACTIONS_PER_JOB; i++) fieldAction(device);
      links.push(openJob(target, jobId, device.doc));
    }
    await Promise.all(links.map((l) => settle(l, kind, 30_000)));
    await sleep(IDLE_WAIT_MS);
    const loaded = await server.gcStats();
    const second = target.jobIds.map((jobId) => openJob(target, jobId, null));
    links.push(...second);
    await Promise.all(second.map((l) => l.client.waitSynced(l.session, 30_000)));
    await sleep(IDLE_WAIT_MS);
    const connected = await server.gcStats();
    const perConnRss = (connected.rss - loaded.rss) / jobs;
    const perConnHeap = (connected.heapUsed - loaded.heapUsed) / jobs;
    return {
      'RSS per idle job KB': round(((loaded.rss - base.rss) / jobs - perConnRss) / KB),
      'RSS per idle connection KB': round(perConnRss / KB),
      'heap per idle job KB': round(((loaded.heapUsed - base.heapUsed) / jobs - perConnHeap) / KB),
      'heap per idle connection KB': round(perConnHeap / KB),
      'RSS loaded MB': round(connected.rss / 2 ** 20),
    };
  } finally {
    await Promise.all(links.map((l) => l.client.close()));
    await server.stop();
  }
}

/** Memory per loaded idle job and per idle connection. */
export const memory: Scenario = {
  id: 'memory',
  title: 'Memory',
  async run(ctx: BenchContext) {
    const jobs = ctx.quick ? 100 : 500;
    const rows: ResultRow[] = [];
    const heapPerJob: Partial<Record<ServerKind, number>> = {};
    const rssPerJob: Partial<Record<ServerKind, number>> = {};
    for (const kind of ctx.servers) {
      ctx.log(`  memory: ${kind} ${jobs} jobs`);
      const figures = await measure(kind, jobs);
      heapPerJob[kind] = figures['heap per idle job KB'];
      rssPerJob[kind] = figures['RSS per idle job KB'];
      rows.push({ label: `${SERVER_LABELS[kind]}`, server: kind, figures });
    }
    const peers = ctx.servers.filter((k) => k !== 'outpost');
    const best = (per: Partial<Record<ServerKind, number>>) => Math.min(...peers.map((k) => per[k] ?? NaN));
    return {
      id: 'memory',
      title: `Memory (${jobs} idle jobs)`,
      rows,
      ratios: {
        'Outpost heap per idle job ÷ best peer (target ≤ 0.5)': (heapPerJob.outpost ?? NaN) / best(heapPerJob),
        'Outpost RSS per idle job ÷ best peer (noisy, see note)': (rssPerJob.outpost ?? NaN) / best(rssPerJob),
      },
      notes: [
        `Each job holds a note, a 10-item checklist and ${ACTIONS_PER_JOB} field actions. Figures after forced GC and ${IDLE_WAIT_MS / 1000} s idle before each reading.`,
        'The V8 heap deltas are the memory the jobs and connections hold; RSS deltas at this size are allocator noise (pages freed during the idle wait make some come out negative), so the target is judged on the heap.',
      ],
    };
  },
};
