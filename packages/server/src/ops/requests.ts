/**
 * Requests from the field: a `request` op on a job (queued offline, ordered and idempotent
 * like every op) makes a new job for the same customer in `requested`, under the id the
 * device made (`requestJobId(opId)`). The op is logged on the job it was raised from; the
 * new job is made right after, and made again by a resubmission of the same op if the
 * server stopped in between (so a logged request always ends as a job).
 */
import { addNote, addPhoto, readJob, requestJobId, type JobSummary, type WorkflowOp } from '@outpost/shared';
import type * as Y from 'yjs';
import type { Principal } from '../auth/token';
import { createJob } from '../jobs/create';
import { jobSummary } from '../jobs/summary';
import type { JobRecord, Directory, DocLog, OpLog } from '../store/store';

/** How long a requested job's placeholder window is, from when it arrived (the office sets the real one). */
const PLACEHOLDER_HOURS = 2;

/**
 * Makes the requested job for a logged `request` op unless it exists. `source` is the job
 * it was raised from, `sourceDoc` that job's doc (covering the op's docState), whose
 * photos named in the request are copied into the new job.
 */
export async function ensureRequestJob(
  store: DocLog & OpLog & Directory,
  op: WorkflowOp,
  requester: Principal,
  source: JobRecord,
  sourceDoc: Y.Doc | null,
  now = new Date(),
): Promise<JobRecord> {
  const id = requestJobId(op.opId);
  const existing = await store.getJob(id);
  if (existing) return existing;
  const request = op.request;
  if (!request) throw new Error(`request op ${op.opId} carries no request`); // the schema makes this unreachable
  const photos = sourceDoc ? readJob(sourceDoc).photos.filter((p) => request.photoIds.includes(p.id)) : [];
  const end = new Date(now.getTime() + PLACEHOLDER_HOURS * 3_600_000);
  try {
    return await createJob(
      store,
      {
        id,
        title: request.title,
        customerId: source.customerId,
        siteAddress: source.siteAddress,
        windowStart: now.toISOString(),
        windowEnd: end.toISOString(),
        assignees: [],
        status: 'requested',
        content: (doc) => {
          // Office fields the server writes: where the request came from and who raised it.
          const meta = doc.getMap('meta');
          meta.set('requestedBy', requester.userId);
          meta.set('fromJobId', source.id);
          meta.set('equipmentIds', request.equipmentIds);
          if (request.description.trim()) addNote(doc, { id: `${id}-description`, author: requester.userId, createdAt: op.occurredAt, text: request.description });
          for (const photo of photos) addPhoto(doc, photo);
        },
      },
      requester.userId,
      now,
    );
  } catch (err) {
    // Two submissions of the same op racing (another node): the other one made it.
    const made = await store.getJob(id);
    if (made) return made;
    throw err;
  }
}

/** A request raised from a job, as its raiser follows it. */
export interface RaisedRequest {
  /** The op that raised it (the outbox item's id on the device). */
  opId: string;
  requestedBy: string;
  job: JobSummary;
}

/** The requests raised from `sourceJobId`, oldest first, with the state of their jobs. */
export async function requestsFrom(store: OpLog & Directory, sourceJobId: string): Promise<RaisedRequest[]> {
  const raised = (await store.listOps(sourceJobId)).filter((e) => e.kind === 'request' && e.outcome === 'applied');
  const out: RaisedRequest[] = [];
  for (const entry of raised) {
    const job = await store.getJob(requestJobId(entry.opId));
    if (job) out.push({ opId: entry.opId, requestedBy: entry.actor, job: jobSummary(job) });
  }
  return out;
}
