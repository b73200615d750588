/**
 * The HTTP bad-input table: every API route with malformed JSON, wrong types, missing
 * fields, oversize bodies, wrong content types, bad sha256 and path traversal attempts,
 * each with the shared error code it must answer with. Bodies are built lazily so the
 * multi-megabyte ones exist only while sent.
 */
import { createHash } from 'node:crypto';
import type { ErrorCode } from '@outpost/shared';

/** Who sends the request. */
export type Caller = 'none' | 'alice' | 'dana';

/** One hostile request and what it must get back. */
export interface BadRequest {
  name: string;
  method: string;
  path: string;
  as: Caller;
  body?: () => BodyInit;
  contentType?: string;
  /** The error codes that are correct answers (usually exactly one). */
  expect: ErrorCode[];
}

const json = 'application/json';
const MiB = 1024 * 1024;

/** A valid op body for job-1001, to be broken one field at a time. */
export function validOp(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    // Fresh ids per row, so one row that slips through cannot make the next a duplicate.
    opId: crypto.randomUUID(),
    jobId: 'job-1001',
    deviceId: `bad-input-${crypto.randomUUID()}`,
    deviceSeq: 1,
    kind: 'transition',
    to: 'en_route',
    occurredAt: '2025-01-01T08:00:00.000Z',
    baseVersion: 0,
    docState: '',
    ...over,
  };
}

function without(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...obj };
  delete copy[key];
  return copy;
}

const validJob = {
  title: 'Bad input job',
  customerId: 'cust-1',
  siteAddress: '1 Test St',
  windowStart: '2025-01-01T08:00:00.000Z',
  windowEnd: '2025-01-01T10:00:00.000Z',
  assignees: ['alice'],
};

const s = (v: unknown) => () => JSON.stringify(v);
const raw = (v: string) => () => v;

/** Malformed JSON texts every JSON route gets. */
const MALFORMED = ['{', '{"username": "alice",}', "{'a':1}", 'nul', '\u0000\u0001', '{"a":1}{"b":2}', '[1, 2', '"unterminated'];

/** Sha256-shaped path segments that are not a lowercase 64-hex sha256, and traversal attempts. */
export const BAD_SHAS = [
  'ABCDEF'.padEnd(64, 'A'),
  'abc',
  'g'.repeat(64),
  'a'.repeat(63),
  'a'.repeat(65),
  '..%2F..%2Fetc%2Fpasswd',
  '..%2f..%2f..%2foutpost.db',
  '%2e%2e%2f%2e%2e%2fsecret',
  'a'.repeat(64) + '%00',
  'a'.repeat(64) + '.png',
];

/** Web paths that try to climb out of the web app directory (sent byte for byte). */
export const TRAVERSAL_WEB_PATHS = [
  '/..%2F..%2F..%2Fpackage.json',
  '/%2e%2e/%2e%2e/%2e%2e/package.json',
  '/../../../package.json',
  '/assets/..%2f..%2f..%2f..%2fpackage.json',
  '/..\\..\\..\\package.json',
  '/%252e%252e/%252e%252e/package.json',
  '/index.html%00.png',
];

/** Job ids that try to escape or confuse the path. */
const BAD_JOB_IDS = ['..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2foutpost.db', 'job-1001%00', 'job-1001%2F..%2F..%2Fsecret', 'x'.repeat(5000), '%E0%A4%A'];

/** The table (see the module comment). */
export function badRequests(): BadRequest[] {
  const rows: BadRequest[] = [];
  const add = (r: BadRequest) => rows.push(r);
  const jsonRoutes: { path: string; as: Caller; valid: Record<string, unknown> }[] = [
    { path: '/api/auth/login', as: 'none', valid: { username: 'alice', password: 'outpost' } },
    { path: '/api/jobs/job-1001/ops', as: 'alice', valid: validOp() },
    { path: '/api/jobs', as: 'dana', valid: validJob },
  ];
  for (const r of jsonRoutes) {
    for (const [i, text] of MALFORMED.entries())
      add({ name: `${r.path} malformed JSON #${i}`, method: 'POST', path: r.path, as: r.as, body: raw(text), contentType: json, expect: ['bad_request', 'validation_failed'] });
    add({ name: `${r.path} empty body`, method: 'POST', path: r.path, as: r.as, body: raw(''), contentType: json, expect: ['bad_request', 'validation_failed'] });
    for (const v of [null, 42, 'string', [], [r.valid], true])
      add({ name: `${r.path} body is ${JSON.stringify(v)?.slice(0, 20)}`, method: 'POST', path: r.path, as: r.as, body: s(v), contentType: json, expect: ['validation_failed'] });
    for (const key of Object.keys(r.valid)) {
      // baseVersion is optional and unchecked (docs/decisions.md); its wrong types still fail.
      if (!(r.path.endsWith('/ops') && key === 'baseVersion')) {
        add({ name: `${r.path} missing ${key}`, method: 'POST', path: r.path, as: r.as, body: s(without(r.valid, key)), contentType: json, expect: ['validation_failed'] });
      }
      for (const wrong of [123, 'x', null, {}, [1], -1, 1e308]) {
        if (typeof wrong === typeof r.valid[key] && !(wrong === null || Array.isArray(wrong))) continue;
        add({
          name: `${r.path} ${key} = ${JSON.stringify(wrong)}`,
          method: 'POST',
          path: r.path,
          as: r.as,
          body: s({ ...r.valid, [key]: wrong }),
          contentType: json,
          expect: ['validation_failed'],
        });
      }
    }
    add({
      name: `${r.path} unknown extra field`,
      method: 'POST',
      path: r.path,
      as: r.as,
      body: s({ ...r.valid, isAdmin: true }),
      contentType: json,
      expect: ['validation_failed'],
    });
    add({
      name: `${r.path} prototype pollution`,
      method: 'POST',
      path: r.path,
      as: r.as,
      body: raw(JSON.stringify(r.valid).replace(/^\{/, '{"__proto__":{"role":"dispatcher"},"constructor":{"prototype":{"x":1}},')),
      contentType: json,
      expect: ['validation_failed'],
    });
    add({
      name: `${r.path} 2 MiB body`,
      method: 'POST',
      path: r.path,
      as: r.as,
      body: s({ ...r.valid, padding: 'x'.repeat(2 * MiB) }),
      contentType: json,
      expect: ['too_large', 'validation_failed'],
    });
    add({
      name: `${r.path} 12 MiB string field`,
      method: 'POST',
      path: r.path,
      as: r.as,
      body: s({ ...r.valid, [Object.keys(r.valid)[0]!]: 'y'.repeat(12 * MiB) }),
      contentType: json,
      expect: ['too_large'],
    });
    add({
      name: `${r.path} deeply nested JSON`,
      method: 'POST',
      path: r.path,
      as: r.as,
      body: raw('['.repeat(100_000) + ']'.repeat(100_000)),
      contentType: json,
      expect: ['too_large', 'validation_failed', 'bad_request'],
    });
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'image/png']) {
      add({ name: `${r.path} as ${ct}`, method: 'POST', path: r.path, as: r.as, body: s(r.valid), contentType: ct, expect: ['unsupported_media_type'] });
    }
  }

  const op = (over: Record<string, unknown>, name: string) =>
    add({
      name: `ops ${name}`,
      method: 'POST',
      path: '/api/jobs/job-1001/ops',
      as: 'alice',
      body: () => JSON.stringify(validOp(over)),
      contentType: json,
      expect: ['validation_failed'],
    });
  op({ opId: 'not-a-uuid' }, 'opId not a uuid');
  op({ jobId: 'job-1002' }, 'jobId names another job than the path');
  op({ deviceSeq: 0 }, 'deviceSeq 0');
  op({ deviceSeq: 1.5 }, 'deviceSeq 1.5');
  op({ deviceSeq: '1' }, 'deviceSeq as a string');
  op({ deviceSeq: 2 ** 60 }, 'deviceSeq beyond safe integers');
  op({ kind: 'delete' }, 'unknown kind');
  op({ to: 'archived' }, 'unknown status');
  op({ kind: 'transition', to: undefined }, 'transition without to');
  op({ kind: 'assign', assignees: undefined }, 'assign without assignees');
  op({ kind: 'assign', assignees: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'assign to 51 people');
  op({ occurredAt: 'yesterday' }, 'occurredAt not a date');
  op({ baseVersion: -1 }, 'negative baseVersion');
  op({ docState: '!!!not base64!!!' }, 'docState not base64');
  op({ docState: 'A'.repeat(70_000) }, 'docState over 64 KiB');
  op({ docState: '/////w==' }, 'docState base64 but not a state vector');
  op({ deviceId: '' }, 'empty deviceId');
  op({ deviceId: 'd'.repeat(129) }, 'deviceId over 128 chars');

  const job = (over: Record<string, unknown>, name: string) =>
    add({ name: `new job ${name}`, method: 'POST', path: '/api/jobs', as: 'dana', body: s({ ...validJob, ...over }), contentType: json, expect: ['validation_failed'] });
  job({ windowEnd: '2024-12-31T00:00:00.000Z' }, 'ending before it starts');
  job({ assignees: ['dana'] }, 'assigned to a dispatcher');
  job({ assignees: ['mallory'] }, 'assigned to nobody known');
  job({ title: 't'.repeat(201) }, 'title over 200 chars');
  job({ checklist: [{ label: 'x' }] }, 'checklist item without required');
  job({ checklist: 'all of it' }, 'checklist not a list');

  add({
    name: 'login wrong password',
    method: 'POST',
    path: '/api/auth/login',
    as: 'none',
    body: s({ username: 'alice', password: 'nope' }),
    contentType: json,
    expect: ['bad_credentials'],
  });
  add({
    name: 'login unknown user',
    method: 'POST',
    path: '/api/auth/login',
    as: 'none',
    body: s({ username: '../../etc/passwd', password: 'outpost' }),
    contentType: json,
    expect: ['bad_credentials'],
  });

  for (const days of ['abc', '-1', '0', '1000', '1e9', '', '2.5'])
    add({ name: `me/jobs days=${days}`, method: 'GET', path: `/api/me/jobs?days=${days}`, as: 'alice', expect: ['validation_failed'] });
  for (const id of BAD_JOB_IDS) {
    add({ name: `job read ${id.slice(0, 30)}`, method: 'GET', path: `/api/jobs/${id}`, as: 'dana', expect: ['not_found', 'bad_request'] });
    add({ name: `job ops read ${id.slice(0, 30)}`, method: 'GET', path: `/api/jobs/${id}/ops`, as: 'dana', expect: ['not_found', 'bad_request'] });
    add({ name: `customer read ${id.slice(0, 30)}`, method: 'GET', path: `/api/customers/${id}`, as: 'dana', expect: ['not_found', 'bad_request'] });
    add({ name: `equipment for ${id.slice(0, 30)}`, method: 'GET', path: `/api/equipment?job=${id}`, as: 'dana', expect: ['not_found', 'bad_request'] });
  }
  add({ name: 'equipment without job', method: 'GET', path: '/api/equipment', as: 'dana', expect: ['validation_failed'] });
  add({ name: 'unknown API route', method: 'GET', path: '/api/nope/..%2F..%2Fetc%2Fpasswd', as: 'dana', expect: ['not_found'] });
  add({ name: 'unknown API method', method: 'DELETE', path: '/api/jobs/job-1001', as: 'dana', expect: ['not_found'] });

  const bytes = Buffer.from('a photo of a condenser');
  const sha = createHash('sha256').update(bytes).digest('hex');
  for (const [i, bad] of BAD_SHAS.entries()) {
    add({
      name: `blob put to bad sha #${i} ${bad.slice(-16)}`,
      method: 'PUT',
      path: `/api/blobs/${bad}`,
      as: 'alice',
      body: () => bytes,
      contentType: 'image/jpeg',
      expect: ['bad_request', 'not_found'],
    });
    add({ name: `blob get bad sha #${i} ${bad.slice(-16)}`, method: 'GET', path: `/api/blobs/${bad}`, as: 'alice', expect: ['bad_request', 'not_found'] });
  }
  add({
    name: 'blob put with the wrong sha256',
    method: 'PUT',
    path: `/api/blobs/${'0'.repeat(64)}`,
    as: 'alice',
    body: () => bytes,
    contentType: 'image/jpeg',
    expect: ['hash_mismatch'],
  });
  add({
    name: 'blob put with a truncated body',
    method: 'PUT',
    path: `/api/blobs/${sha}`,
    as: 'alice',
    body: () => bytes.subarray(0, 5),
    contentType: 'image/jpeg',
    expect: ['hash_mismatch'],
  });
  add({ name: 'blob put empty', method: 'PUT', path: `/api/blobs/${sha}`, as: 'alice', body: () => new Uint8Array(0), contentType: 'image/jpeg', expect: ['hash_mismatch'] });
  for (const ct of ['text/html', 'application/json', 'application/javascript', '']) {
    add({ name: `blob put as "${ct}"`, method: 'PUT', path: `/api/blobs/${sha}`, as: 'alice', body: () => bytes, contentType: ct, expect: ['unsupported_media_type'] });
  }
  const big = 11 * MiB;
  add({
    name: 'blob put 11 MiB',
    method: 'PUT',
    path: `/api/blobs/${'1'.repeat(64)}`,
    as: 'alice',
    body: () => new Uint8Array(big),
    contentType: 'application/octet-stream',
    expect: ['too_large'],
  });

  // The office's reference-data writes (PUT, dispatcher only): each refused one changes no record and pushes nothing.
  const customer = { name: 'Harbor View Dental', phone: '555-0100', email: 'a@example.com', address: '1 Harbor View' };
  const equipment = { customerId: 'cust-1', jobIds: ['job-1001'], kind: 'RTU', make: 'Carrier', model: '48TC', serial: 'SN1', refrigerant: 'R-410A' };
  const item = { sku: 'CAP-1', description: 'Capacitor', unitPriceCents: 100, category: 'Electrical' };
  const referenceRoutes = [
    { path: '/api/customers/cust-1', valid: customer },
    { path: '/api/equipment/eq-101', valid: equipment },
    { path: '/api/pricebook/items/pb-bad-input', valid: item },
  ];
  for (const r of referenceRoutes) {
    const put = (name: string, body: () => BodyInit, expect: ErrorCode[], as: Caller = 'dana', contentType = json) =>
      add({ name: `PUT ${r.path} ${name}`, method: 'PUT', path: r.path, as, body, contentType, expect });
    put('by a technician', s(r.valid), ['forbidden'], 'alice');
    put('signed out', s(r.valid), ['unauthenticated'], 'none');
    put('malformed JSON', raw('{'), ['bad_request']);
    put('as text/plain', s(r.valid), ['unsupported_media_type'], 'dana', 'text/plain');
    put('unknown extra field', s({ ...r.valid, id: 'other' }), ['validation_failed']);
    for (const key of Object.keys(r.valid)) put(`missing ${key}`, s(without(r.valid, key)), ['validation_failed']);
    put('2 MiB body', s({ ...r.valid, padding: 'x'.repeat(2 * MiB) }), ['too_large', 'validation_failed']);
  }
  add({
    name: 'PUT equipment for an unknown customer',
    method: 'PUT',
    path: '/api/equipment/eq-101',
    as: 'dana',
    body: s({ ...equipment, customerId: 'cust-none' }),
    contentType: json,
    expect: ['validation_failed'],
  });
  add({
    name: 'PUT equipment onto an unknown job',
    method: 'PUT',
    path: '/api/equipment/eq-101',
    as: 'dana',
    body: s({ ...equipment, jobIds: ['job-none'] }),
    contentType: json,
    expect: ['validation_failed'],
  });
  add({
    name: 'PUT a pricebook item with a negative price',
    method: 'PUT',
    path: '/api/pricebook/items/pb-bad-input',
    as: 'dana',
    body: s({ ...item, unitPriceCents: -1 }),
    contentType: json,
    expect: ['validation_failed'],
  });
  add({ name: 'equipment read by a technician off its jobs', method: 'GET', path: '/api/equipment/eq-none', as: 'alice', expect: ['not_found'] });
  return rows;
}

/** Hashes the table may try to store: none of them may exist afterwards. */
export function blobHashesTried(): string[] {
  const bytes = Buffer.from('a photo of a condenser');
  return [createHash('sha256').update(bytes).digest('hex'), '0'.repeat(64), '1'.repeat(64)];
}
