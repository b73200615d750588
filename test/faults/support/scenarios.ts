/**
 * Scenarios that run the same way against the real server and against the broken doubles
 * in doubles.ts — so the checks they end with are proven able to fail.
 */
import { toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';
import { addNote } from '@outpost/shared';
import { missingNotes, opLogProblems, type LoggedOp, type SubmittedOp } from './checks';
import type { Prng } from './seed';
import { RelayClient } from '../../../test-support/relay-client';

/** A relay that can be killed without warning and started again on the same storage. */
export interface KillableRelay {
  readonly url: string;
  kill(): Promise<void>;
  restart(): Promise<void>;
}

/** What the durability scenario saw. */
export interface DurabilityReport {
  edits: number;
  acked: number;
  lost: string[];
  violations: string[];
}

/**
 * Several clients type notes into one job as fast as acks come back; the relay is killed
 * mid-stream; after a restart, a fresh client (no local state) must find every note whose
 * content message had been durably acked before the kill.
 */
export async function ackedEditsSurviveKill(
  relay: KillableRelay,
  opts: { jobId: string; token: string; rng: Prng; clients?: number; killAfterMs?: number; /** The token's user: notes name their writer. */ author: string },
): Promise<DurabilityReport> {
  const clients = await Promise.all(Array.from({ length: opts.clients ?? 3 }, () => RelayClient.connect({ baseUrl: relay.url, jobId: opts.jobId, token: opts.token })));
  await Promise.all(clients.map((c) => c.whenSynced));
  const sentAs = new Map<string, { client: RelayClient; message: number }>();
  let typing = true;
  const typists = clients.map(async (client, i) => {
    for (let n = 0; typing && client.open && n < 100_000; n++) {
      const id = `k${i}-${n}-${opts.rng.int(0, 1e9).toString(36)}`;
      const message = client.edit((doc) => addNote(doc, { id, author: opts.author, createdAt: new Date().toISOString(), text: 'acked?' }));
      sentAs.set(id, { client, message });
      // Keep a few messages in flight so the kill lands between receive, commit and ack.
      if (client.contentSent - client.ackedUpTo > opts.rng.int(1, 8)) await Promise.race([client.durable(client.ackedUpTo + 1, 3000).catch(() => undefined), client.closed]);
    }
  });
  await new Promise((r) => setTimeout(r, opts.killAfterMs ?? opts.rng.int(300, 900)));
  await relay.kill();
  typing = false;
  await Promise.all(clients.map((c) => Promise.race([c.closed, c.close()])));
  await Promise.all(typists);
  const acked = [...sentAs].filter(([, s]) => s.message <= s.client.ackedUpTo).map(([id]) => id);

  await relay.restart();
  const observer = await RelayClient.connect({ baseUrl: relay.url, jobId: opts.jobId, token: opts.token, acks: false });
  await observer.whenSynced;
  const lost = missingNotes(acked, observer.doc);
  await observer.close();
  return { edits: sentAs.size, acked: acked.length, lost, violations: clients.flatMap((c) => c.violations) };
}

/** HTTP access to an op endpoint with one token. */
export interface OpTarget {
  readonly url: string;
  readonly token: string;
}

/** What the op scenario saw. */
export interface OpReport {
  submitted: number;
  retried: number;
  problems: string[];
}

async function postOp(target: OpTarget, op: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${target.url}/api/jobs/${encodeURIComponent(String(op.jobId))}/ops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
    body: JSON.stringify(op),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** The parts of an op answer that a retry must repeat exactly. */
function verdict(r: { status: number; body: unknown }): string {
  const b = r.body as { result?: Record<string, unknown>; error?: { code?: string; details?: { server?: Record<string, unknown> } } } | null;
  if (b?.result) return `${r.status} ${b.result.outcome} ${b.result.status} v${b.result.version}`;
  return `${r.status} ${b?.error?.code ?? '?'}`;
}

/**
 * One device sends a run of workflow ops; some answers are "lost" (the same op is sent
 * again, at once or later, as a device does after a cut). Every retry must return the
 * first answer; the op log must hold each op exactly once, in device order.
 */
export async function opsApplyOnce(target: OpTarget, opts: { jobId: string; deviceId: string; rng: Prng; ops: number; statuses: readonly string[] }): Promise<OpReport> {
  const submitted: SubmittedOp[] = [];
  const first = new Map<string, string>();
  const problems: string[] = [];
  let retried = 0;
  const docState = toBase64(Y.encodeStateVector(new Y.Doc()));
  const sent: Record<string, unknown>[] = [];
  for (let seq = 1; seq <= opts.ops; seq++) {
    const op = {
      opId: crypto.randomUUID(),
      jobId: opts.jobId,
      deviceId: opts.deviceId,
      deviceSeq: seq,
      kind: 'transition',
      to: opts.rng.pick(opts.statuses),
      occurredAt: new Date().toISOString(),
      baseVersion: 0,
      docState,
    };
    sent.push(op);
    submitted.push({ opId: op.opId, jobId: op.jobId, deviceId: op.deviceId, deviceSeq: seq });
    const answers = await Promise.all(Array.from({ length: opts.rng.chance(0.3) ? 2 : 1 }, () => postOp(target, op)));
    first.set(op.opId, verdict(answers[0]!));
    for (const a of answers.slice(1)) {
      retried++;
      if (verdict(a) !== first.get(op.opId)) problems.push(`concurrent retry of seq ${seq} answered ${verdict(a)}, first answer ${first.get(op.opId)}`);
    }
    if (opts.rng.chance(0.2)) {
      const old = opts.rng.pick(sent);
      retried++;
      const again = verdict(await postOp(target, old));
      if (again !== first.get(String(old.opId))) problems.push(`late retry of seq ${old.deviceSeq} answered ${again}, first answer ${first.get(String(old.opId))}`);
    }
  }
  const res = await fetch(`${target.url}/api/jobs/${encodeURIComponent(opts.jobId)}/ops`, { headers: { authorization: `Bearer ${target.token}` } });
  const log = ((await res.json()) as { ops: LoggedOp[] }).ops.filter((e) => e.deviceId === opts.deviceId);
  problems.push(...opLogProblems(log, submitted));
  return { submitted: submitted.length, retried, problems };
}
