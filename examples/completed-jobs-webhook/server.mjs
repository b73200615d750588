/**
 * An Outpost server with two hooks a team adds without editing the relay (docs/guide.md,
 * "Server hooks"):
 * - `authenticate`: the office ERP signs in with an API key (`x-api-key`, or `?token=` on a
 *   websocket) as a dispatcher; everyone else keeps the demo's sign-in.
 * - `onOpApplied`: when a job ends (completed or cancelled), POST it to a webhook, e.g. the
 *   billing system.
 *
 *   node server.mjs            # port 8080, demo seed; WEBHOOK_URL, OUTPOST_API_KEY from env
 *   node server.mjs --check    # runs once end to end on a free port and exits 0 on success
 *
 * Runs the built package (`pnpm build` first): plain Node, no TypeScript.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@outpost/server';

const check = process.argv.includes('--check');
const apiKey = process.env.OUTPOST_API_KEY ?? (check ? 'opk_check' : undefined);
const ENDED = new Set(['completed', 'cancelled']);

/** Sends one ended job to the webhook; a failed delivery is logged (retries are the receiver's queue's job). */
async function notify(webhookUrl, entry) {
  const body = { jobId: entry.jobId, status: entry.status, by: entry.actor, at: entry.receivedAt, opId: entry.opId };
  if (!webhookUrl) return console.log('[webhook] no WEBHOOK_URL; would send', JSON.stringify(body));
  const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`webhook answered ${res.status}`);
}

/** The hooks: an API key for the ERP, and the ended-job webhook. */
function hooks(webhookUrl) {
  return {
    authenticate({ headers, url }) {
      const key = headers.get('x-api-key') ?? url.searchParams.get('token');
      if (!apiKey || key !== apiKey) return null; // not our key: the demo's bearer token decides
      return { userId: 'erp', role: 'dispatcher', name: 'Office ERP' };
    },
    async onOpApplied(entry) {
      if (entry.changed && ENDED.has(entry.status)) await notify(webhookUrl, entry);
    },
  };
}

if (!check) {
  const server = await startServer({ dataDir: './data', port: 8080, seed: 'demo', hooks: hooks(process.env.WEBHOOK_URL) });
  console.log(`outpost with hooks on ${server.url}${apiKey ? '' : ' (set OUTPOST_API_KEY to let the ERP in)'}`);
  process.on('SIGTERM', () => void server.close());
  process.on('SIGINT', () => void server.close());
} else {
  // A stand-in billing system, then the ERP cancels a job with its key and the webhook must hear of it.
  const received = [];
  const billing = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      received.push(JSON.parse(text));
      res.end('ok');
    });
  }).listen(0, '127.0.0.1');
  await once(billing, 'listening');
  const dataDir = await mkdtemp(join(tmpdir(), 'outpost-webhook-example-'));
  const server = await startServer({ dataDir, port: 0, seed: 'demo', secret: 'example-secret', hooks: hooks(`http://127.0.0.1:${billing.address().port}/jobs-ended`) });
  try {
    const op = { opId: randomUUID(), jobId: 'job-1002', deviceId: 'erp', deviceSeq: 1, occurredAt: new Date().toISOString(), baseVersion: 1, docState: '', kind: 'cancel' };
    const res = await fetch(`${server.url}/api/jobs/job-1002/ops`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(op),
    });
    if (!res.ok) throw new Error(`the ERP's cancel was refused: ${res.status} ${await res.text()}`);
    const deadline = Date.now() + 5000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (received[0]?.jobId !== 'job-1002' || received[0]?.status !== 'cancelled') throw new Error(`the webhook heard ${JSON.stringify(received)}`);
    console.log('webhook received', JSON.stringify(received[0]));
  } finally {
    await server.close();
    billing.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
