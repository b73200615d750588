/**
 * The checkers: pure functions that look at what clients did and what the server holds
 * and list every broken guarantee. Empty list = guarantee held. Each is shown to fail
 * against a deliberately broken server in checker.test.ts.
 */
import * as Y from 'yjs';
import { jobRoots } from '@outpost/shared';

/** An op as a device submitted it. */
export interface SubmittedOp {
  opId: string;
  jobId: string;
  deviceId: string;
  deviceSeq: number;
}

/** The op log fields the checks read (a subset of the contract's OpLogEntry). */
export interface LoggedOp {
  seq: number;
  opId: string;
  jobId: string;
  deviceId: string;
  deviceSeq: number;
  outcome: string;
  version: number;
  receivedAt: string;
}

/**
 * Exactly once, in device order: every submitted op is in the logs once; nothing else
 * is; per job the log is numbered 1..n and versions move by at most one per entry; per
 * device the ops were received in deviceSeq order with no seq used twice.
 */
export function opLogProblems(logs: readonly LoggedOp[], submitted: readonly SubmittedOp[]): string[] {
  const problems: string[] = [];
  const count = new Map<string, number>();
  for (const e of logs) count.set(e.opId, (count.get(e.opId) ?? 0) + 1);
  for (const [opId, n] of count) if (n > 1) problems.push(`op ${opId} is in the log ${n} times`);
  const sent = new Set(submitted.map((o) => o.opId));
  for (const o of submitted) if (!count.has(o.opId)) problems.push(`op ${o.opId} (device ${o.deviceId} seq ${o.deviceSeq}) is missing from the log`);
  for (const e of logs) if (!sent.has(e.opId)) problems.push(`op ${e.opId} in the log was never submitted`);

  const byJob = groupBy(logs, (e) => e.jobId);
  for (const [jobId, entries] of byJob) {
    entries.sort((a, b) => a.seq - b.seq);
    entries.forEach((e, i) => {
      if (e.seq !== i + 1) problems.push(`job ${jobId}: log entry ${i + 1} has seq ${e.seq}`);
      const prev = entries[i - 1];
      if (prev && (e.version < prev.version || e.version > prev.version + 1)) problems.push(`job ${jobId}: version ${prev.version} → ${e.version} at seq ${e.seq}`);
      if (prev && e.deviceId === prev.deviceId && e.deviceSeq < prev.deviceSeq)
        problems.push(`job ${jobId}: device ${e.deviceId} seq ${e.deviceSeq} applied after ${prev.deviceSeq}`);
    });
  }
  for (const [deviceId, entries] of groupBy(logs, (e) => e.deviceId)) {
    entries.sort((a, b) => a.deviceSeq - b.deviceSeq);
    entries.forEach((e, i) => {
      const prev = entries[i - 1];
      if (prev && prev.deviceSeq === e.deviceSeq) problems.push(`device ${deviceId}: seq ${e.deviceSeq} used by ${prev.opId} and ${e.opId}`);
      if (prev && Date.parse(e.receivedAt) < Date.parse(prev.receivedAt)) problems.push(`device ${deviceId}: seq ${e.deviceSeq} received before seq ${prev.deviceSeq}`);
    });
  }
  return problems;
}

/**
 * Note ids in `expected` that the doc does not hold. Reads the Yjs structure directly, so
 * a malformed entry (see poisoned-doc.test.ts) cannot hide or fake a note.
 */
export function missingNotes(expected: Iterable<string>, doc: Y.Doc): string[] {
  const present = new Set<unknown>();
  for (const entry of jobRoots(doc).notes.toArray() as unknown[]) if (entry instanceof Y.Map) present.add(entry.get('id'));
  return [...expected].filter((id) => !present.has(id));
}

/** The whole doc as JSON, every root, whatever shapes its entries have. */
function contentOf(doc: Y.Doc): string {
  return JSON.stringify(Object.fromEntries(Object.entries(jobRoots(doc)).map(([name, root]) => [name, root.toJSON()])));
}

/** Differences between docs that should be identical (content and Yjs state). `clients` names client ids in the report. */
export function divergence(docs: readonly { name: string; doc: Y.Doc }[], clients: ReadonlyMap<number, string> = new Map()): string[] {
  const [first, ...rest] = docs;
  if (!first) return [];
  const problems: string[] = [];
  const content = contentOf;
  for (const other of rest) {
    const gaps = clockGaps(first, other, clients);
    if (gaps) problems.push(gaps);
    else if (content(other.doc) !== content(first.doc))
      problems.push(`${other.name} and ${first.name} have the same state vector but different content (a deletion did not reach one)`);
  }
  return problems;
}

/**
 * Where two docs' Yjs clocks differ, client by client, and whether either holds updates it
 * could not integrate yet (pending structs or deletions: a missing dependency), so a
 * failed convergence says which writer's changes did not arrive where.
 */
function clockGaps(a: { name: string; doc: Y.Doc }, b: { name: string; doc: Y.Doc }, clients: ReadonlyMap<number, string>): string | null {
  const sa = Y.decodeStateVector(Y.encodeStateVector(a.doc));
  const sb = Y.decodeStateVector(Y.encodeStateVector(b.doc));
  const diffs: string[] = [];
  for (const client of new Set([...sa.keys(), ...sb.keys()])) {
    const [ca, cb] = [sa.get(client) ?? 0, sb.get(client) ?? 0];
    if (ca !== cb) diffs.push(`client ${client}${clients.has(client) ? ` (${clients.get(client)})` : ''}: ${a.name} ${ca}, ${b.name} ${cb}`);
  }
  if (diffs.length === 0) return null;
  const pending = (d: Y.Doc) => {
    const structs = d.store.pendingStructs;
    const missing = structs ? [...structs.missing].map(([c, clock]) => `${c}@${clock}`).join(' ') : '';
    return `${structs ? `pending structs (missing ${missing})` : 'no pending structs'}${d.store.pendingDs ? ', pending deletions' : ''}`;
  };
  return `${b.name} differs from ${a.name}: ${diffs.join('; ')}; ${a.name}: ${pending(a.doc)}; ${b.name}: ${pending(b.doc)}`;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item)) ?? [];
    list.push(item);
    out.set(key(item), list);
  }
  return out;
}
