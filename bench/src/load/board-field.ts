/**
 * The field behind the schedule-board scenario: 200 jobs for today and tomorrow over 20
 * technicians (one in ten unassigned), seeded the way an office makes them (`POST
 * /api/jobs` as the dispatcher; technicians through the store, as the server has no user
 * API), and a stream of workflow changes the way they happen — the dispatcher reassigning
 * jobs, technicians starting travel to theirs — posted through
 * `POST /api/jobs/:id/ops` on a fixed schedule.
 */
import { startServer } from '@outpost/server';

/** One change of the stream: who posts it, and what the board must then show. */
export interface BoardChange {
  jobId: string;
  /** Token of the poster: the dispatcher for an assign, the job's technician for a step. */
  token: string;
  deviceId: string;
  body: { kind: 'assign'; assignees: string[] } | { kind: 'transition'; to: 'en_route' };
  /** A selector that matches once the board shows the change. */
  shows: string;
}

/** The seeded field: server base URL, job ids and a token per person. */
export interface BoardField {
  jobIds: string[];
  /** Assignees of each job as seeded. */
  assignees: Map<string, string[]>;
  technicians: string[];
}

const DAY_MS = 24 * 3_600_000;

/** Seeds `jobs` jobs and `technicians` technicians into a fresh store in `dataDir` (the server stops after). */
export async function seedBoard(dataDir: string, jobs: number, technicians: number): Promise<BoardField> {
  // 200 jobs created in a row by one dispatcher: past the per-user HTTP write budget, which is not what this measures.
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, seed: 'demo', webDir: dataDir, limits: { httpWritesPerSecond: 1_000_000, httpWriteBurst: 1_000_000 } });
  try {
    const base = server.url.replace(/\/$/, '');
    const { passwordHash } = (await server.store.getUser('alice'))!;
    const techs = Array.from({ length: technicians }, (_, i) => `tech-${String(i + 1).padStart(2, '0')}`);
    for (const id of techs) await server.store.putUser({ id, username: id, name: `Technician ${id.slice(5)}`, role: 'technician', passwordHash });
    const token = await login(base, 'dana');
    const customerId = (await server.store.listCustomers())[0]!.id;
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    const jobIds: string[] = [];
    const assignees = new Map<string, string[]>();
    for (let i = 0; i < jobs; i++) {
      const start = new Date(today.getTime() + (i % 2) * DAY_MS + (6 + ((i * 7) % 13)) * 3_600_000);
      const who = i % 10 === 9 ? [] : [techs[i % technicians]!];
      const { job } = await post(base, '/api/jobs', token, {
        title: `Service call ${i + 1}`,
        customerId,
        siteAddress: `${i + 1} Bench St`,
        windowStart: start.toISOString(),
        windowEnd: new Date(start.getTime() + 90 * 60_000).toISOString(),
        assignees: who,
        checklist: [],
      });
      jobIds.push(job.id);
      assignees.set(job.id, who);
    }
    return { jobIds, assignees, technicians: techs };
  } finally {
    await server.close();
  }
}

/**
 * `count` changes, alternating: the dispatcher moves a job to another technician, and a
 * technician starts travel on one of their own jobs. Each job is touched by one kind only,
 * and each `round` (a sample on the same server) steps other jobs, so every change is legal
 * when it arrives.
 */
export async function boardChanges(base: string, field: BoardField, count: number, round: number): Promise<BoardChange[]> {
  const tokens = new Map<string, string>([['dana', await login(base, 'dana')]]);
  const tokenOf = async (user: string) => {
    if (!tokens.has(user)) tokens.set(user, await login(base, user));
    return tokens.get(user)!;
  };
  const assigned = field.jobIds.filter((id) => field.assignees.get(id)!.length > 0);
  const stepped = assigned.filter((_, i) => i % 2 === 0);
  const moved = assigned.filter((_, i) => i % 2 === 1);
  const steps = Math.ceil(count / 2);
  if ((round + 1) * steps > stepped.length) throw new Error(`only ${stepped.length} jobs to step: ${round + 1} rounds of ${steps} do not fit`);
  const changes: BoardChange[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      const jobId = moved[(i / 2) % moved.length]!;
      const now = field.assignees.get(jobId)![0]!;
      const to = field.technicians[(field.technicians.indexOf(now) + 1 + (i % 7)) % field.technicians.length]!;
      field.assignees.set(jobId, [to]);
      changes.push({
        jobId,
        token: tokens.get('dana')!,
        deviceId: `bench-office-${round}`,
        body: { kind: 'assign', assignees: [to] },
        shows: `[data-lane="${to}"] [data-job-id="${jobId}"]`,
      });
    } else {
      const jobId = stepped[round * steps + (i - 1) / 2]!;
      const tech = field.assignees.get(jobId)![0]!;
      changes.push({
        jobId,
        token: await tokenOf(tech),
        deviceId: `bench-${tech}-${round}`,
        body: { kind: 'transition', to: 'en_route' },
        shows: `[data-job-id="${jobId}"][data-status="en_route"]`,
      });
    }
  }
  return changes;
}

/** Posts changes in order per device (ops apply in device order), each at its planned time. */
export function streamChanges(base: string, changes: readonly BoardChange[], perSecond: number, posted: (i: number, at: number) => void): Promise<void> {
  const seq = new Map<string, number>();
  const chains = new Map<string, Promise<void>>();
  const t0 = Date.now();
  const all = changes.map(async (change, i) => {
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + (i * 1000) / perSecond - Date.now())));
    const deviceSeq = (seq.get(change.deviceId) ?? 0) + 1;
    seq.set(change.deviceId, deviceSeq);
    const previous = chains.get(change.deviceId) ?? Promise.resolve();
    const sent = previous.then(async () => {
      posted(i, Date.now());
      await post(base, `/api/jobs/${encodeURIComponent(change.jobId)}/ops`, change.token, {
        opId: crypto.randomUUID(),
        jobId: change.jobId,
        deviceId: change.deviceId,
        deviceSeq,
        occurredAt: new Date().toISOString(),
        docState: '',
        ...change.body,
      });
    });
    chains.set(change.deviceId, sent);
    return sent;
  });
  return Promise.all(all).then(() => undefined);
}

async function login(base: string, username: string): Promise<string> {
  return (await post(base, '/api/auth/login', '', { username, password: 'outpost' })).token as string;
}

/** A JSON body as parsed, read field by field where used. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON as parsed, read field by field where used
type Json = any;

async function post(base: string, path: string, token: string, body: unknown): Promise<Json> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
