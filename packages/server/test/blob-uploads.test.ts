import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestServer, type TestServer } from './support/server';

/** A JSON body as parsed: the upload route's JSON answer; each test asserts the shape it expects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON as parsed, read field by field by the tests
type Json = any;

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const CHUNK = 64 * 1024;

describe('resumable blob uploads', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    server = await startTestServer();
    [alice, bob] = await Promise.all([login(server, 'alice'), login(server, 'bob')]);
  });
  afterAll(async () => {
    await server.dispose();
  });

  const chunk = async (token: string, hash: string, whole: Uint8Array, offset: number, size = CHUNK, length = whole.byteLength) => {
    const res = await fetch(`${server.url}/api/blobs/${hash}/upload/${offset}?length=${length}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
      body: whole.subarray(offset, Math.min(offset + size, whole.byteLength)) as Uint8Array<ArrayBuffer>,
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const progress = (token: string, hash: string) => api(server, token, `/api/blobs/${hash}/upload`);

  it('stores a photo sent in chunks, resumed from what the server says it has, and checks its sha256', async () => {
    const photo = randomBytes(300_000);
    const hash = sha(photo);
    expect((await progress(alice, hash)).body).toMatchObject({ received: 0, length: null, complete: false });
    await chunk(alice, hash, photo, 0);
    await chunk(alice, hash, photo, CHUNK);
    // The device lost track: it asks, and resumes where the server's chunks end.
    expect((await progress(alice, hash)).body).toMatchObject({ received: 2 * CHUNK, length: photo.byteLength, complete: false });
    let last;
    for (let at = 2 * CHUNK; at < photo.byteLength; at += CHUNK) last = await chunk(alice, hash, photo, at);
    expect(last!.status).toBe(201);
    expect(last!.body).toMatchObject({ complete: true });
    const stored = await fetch(`${server.url}/api/blobs/${hash}`, { headers: { authorization: `Bearer ${alice}` } });
    expect(Buffer.from(await stored.arrayBuffer()).equals(photo)).toBe(true);
    expect(stored.headers.get('content-type')).toBe('image/jpeg');
    // After a lost final answer the device learns the upload is done.
    expect((await progress(alice, hash)).body).toMatchObject({ complete: true });
  });

  it('acknowledges a chunk sent twice without storing it twice, and refuses a chunk past the stored end', async () => {
    const photo = randomBytes(200_000);
    const hash = sha(photo);
    expect((await chunk(alice, hash, photo, 0)).body).toMatchObject({ received: CHUNK });
    expect((await chunk(alice, hash, photo, 0)).body).toMatchObject({ received: CHUNK });
    const gap = await chunk(alice, hash, photo, 2 * CHUNK);
    expect(gap.status).toBe(409);
    expect(gap.body.error).toMatchObject({ code: 'upload_offset', details: { received: CHUNK } });
    const other = await chunk(alice, hash, photo, CHUNK, CHUNK, photo.byteLength + 1);
    expect(other.status).toBe(400);
    expect(other.body.error.message).toContain(`length of ${photo.byteLength}`);
  });

  it("keeps each uploader's chunks apart: another technician's upload of the same hash starts at zero", async () => {
    const photo = randomBytes(150_000);
    const hash = sha(photo);
    await chunk(alice, hash, photo, 0);
    expect((await progress(bob, hash)).body).toMatchObject({ received: 0, complete: false });
  });

  it('drops the chunks and says so when the joined bytes do not match their sha256', async () => {
    const photo = randomBytes(100_000);
    const hash = sha(photo);
    const forged = Uint8Array.from(photo);
    forged[99_999] = forged[99_999]! ^ 0xff;
    await chunk(alice, hash, forged, 0);
    const end = await chunk(alice, hash, forged, CHUNK);
    expect(end.status).toBe(422);
    expect(end.body.error.code).toBe('hash_mismatch');
    expect(end.body.error.message).toContain('upload again from the start');
    expect((await progress(alice, hash)).body).toMatchObject({ received: 0, length: null, complete: false });
    expect((await api(server, alice, `/api/blobs/${hash}`)).status).toBe(404);
  });

  it('refuses bad offsets, lengths and media types with precise errors', async () => {
    const photo = randomBytes(1000);
    const hash = sha(photo);
    expect((await chunk(alice, hash, photo, 0, CHUNK, 11 * 1024 * 1024)).body.error.code).toBe('bad_request');
    const bad = await fetch(`${server.url}/api/blobs/${hash}/upload/abc?length=1000`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'image/jpeg' },
      body: photo,
    });
    expect(bad.status).toBe(400);
    const html = await fetch(`${server.url}/api/blobs/${hash}/upload/0?length=1000`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'text/html' },
      body: photo,
    });
    expect(((await html.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    expect((await fetch(`${server.url}/api/blobs/${hash}/upload`)).status).toBe(401);
  });

  it('keeps received chunks across a server restart', async () => {
    const dataDir = server.dataDir;
    const photo = randomBytes(150_000);
    const hash = sha(photo);
    await chunk(alice, hash, photo, 0);
    await server.close();
    server = await startTestServer({ dataDir });
    alice = await login(server, 'alice');
    expect((await progress(alice, hash)).body).toMatchObject({ received: CHUNK, length: photo.byteLength });
    await chunk(alice, hash, photo, CHUNK);
    expect((await chunk(alice, hash, photo, 2 * CHUNK)).status).toBe(201);
  });
});
