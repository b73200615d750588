import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '@outpost/shared';
import { badRequests, blobHashesTried, TRAVERSAL_WEB_PATHS, type BadRequest } from './support/bad-requests';
import { call, DEMO, startOutpost, type Outpost } from './support/outpost';
import { storeFingerprint } from './support/store-fingerprint';

let outpost: Outpost;
beforeAll(async () => {
  outpost = await startOutpost();
});
afterAll(async () => {
  await outpost?.stop();
});

async function send(row: BadRequest) {
  const headers: Record<string, string> = {};
  if (row.contentType !== undefined) headers['content-type'] = row.contentType;
  const token = row.as === 'none' ? undefined : outpost.token(DEMO[row.as]);
  return call(outpost.url + row.path, { method: row.method, token, body: row.body?.(), headers });
}

describe('HTTP API under bad input', () => {
  const rows = badRequests();

  it('covers every route with a sizeable table', () => {
    expect(rows.length).toBeGreaterThan(200);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  for (const row of rows) {
    it(`answers ${row.expect.join(' or ')} and stores nothing: ${row.name}`, async () => {
      const before = await storeFingerprint(outpost.server.store, blobHashesTried());
      const res = await send(row);
      const body = res.body as { error?: { code?: unknown; message?: unknown } };
      const seen = `${res.status} ${res.text.slice(0, 200)}`;
      expect(res.status, seen).toBeGreaterThanOrEqual(400);
      expect(res.status, seen).toBeLessThan(500);
      expect(res.contentType, seen).toMatch(/^application\/json/);
      expect(isErrorCode(body.error?.code), seen).toBe(true);
      expect(typeof body.error?.message, seen).toBe('string');
      expect(row.expect, seen).toContain(body.error?.code);
      expect(await storeFingerprint(outpost.server.store, blobHashesTried())).toBe(before);
    });
  }

  it('never serves a file from outside the web app for a path that climbs out', async () => {
    for (const path of TRAVERSAL_WEB_PATHS) {
      // node:http sends the path byte for byte; fetch would normalise the dots away.
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: outpost.server.port, path, method: 'GET' }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(status, path).toBeLessThan(500);
      expect(body, path).not.toMatch(/"name":\s*"(outpost|@outpost\/)/);
    }
  });

  it('never serves an uploaded SVG or HTML blob as a live page in the app origin', async () => {
    const token = outpost.token(DEMO.alice);
    for (const [mime, text] of [
      ['image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
      ['image/png', '<html><script>alert(1)</script></html>'],
    ] as const) {
      const bytes = Buffer.from(text);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const put = await call(`${outpost.url}/api/blobs/${sha}`, { method: 'PUT', token, body: bytes, headers: { 'content-type': mime } });
      if (put.status === 415) continue;
      expect([200, 201]).toContain(put.status);
      const res = await fetch(`${outpost.url}/api/blobs/${sha}`, { headers: { authorization: `Bearer ${token}` } });
      const csp = res.headers.get('content-security-policy') ?? '';
      const disposition = res.headers.get('content-disposition') ?? '';
      // Scripts in it must not run: a sandboxing CSP or a download, and no type sniffing.
      expect(/sandbox|script-src 'none'|default-src 'none'/.test(csp) || /attachment/.test(disposition), `${mime}: ${csp} ${disposition}`).toBe(true);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('keeps answering a well-behaved technician while the whole table arrives at once', async () => {
    const token = outpost.token(DEMO.alice);
    const hostile = Promise.all(rows.filter((r) => !r.name.includes('MiB')).map((r) => send(r)));
    const calm = Promise.all(Array.from({ length: 20 }, () => call(`${outpost.url}/api/jobs/job-1001`, { token })));
    const [answers, reads] = await Promise.all([hostile, calm]);
    expect(answers.filter((a) => a.status >= 500).map((a) => a.text.slice(0, 80))).toEqual([]);
    expect(reads.map((r) => r.status)).toEqual(reads.map(() => 200));
  });

  it('is still up and serving after the whole table', async () => {
    const res = await call(`${outpost.url}/api/me`, { token: outpost.token(DEMO.alice) });
    expect(res.status).toBe(200);
    expect((await call(`${outpost.url}/healthz`)).status).toBe(200);
  });
});
