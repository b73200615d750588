import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestServer, type TestServer } from './support/server';

describe('online look-ups', () => {
  let server: TestServer;
  let alice: string;
  let dana: string;
  beforeAll(async () => {
    server = await startTestServer();
    alice = await login(server, 'alice');
    dana = await login(server, 'dana');
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('lets a technician find any customer, with notes and email, a page at a time', async () => {
    const first = await api(server, alice, '/api/customers?q=PORT&limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([expect.objectContaining({ id: 'cust-1', email: 'office@harborviewdental.example', notes: expect.stringContaining('Maria') })]);
    expect(first.body.nextCursor).toBe('cust-1');
    const next = await api(server, alice, `/api/customers?q=PORT&limit=1&cursor=${first.body.nextCursor}`);
    expect(next.body.items.map((c: { id: string }) => c.id)).toEqual(['cust-2']);
    const last = await api(server, alice, `/api/customers?q=PORT&limit=1&cursor=cust-2`);
    expect(last.body).toEqual({ items: [], nextCursor: null });
    // bob's customer (cust-6 is not alice's today) is found too: look-ups are not limited to one's own jobs
    expect((await api(server, alice, '/api/customers?q=northgate')).body.items.map((c: { id: string }) => c.id)).toEqual(['cust-6']);
  });

  it('finds special-order items in the full pricebook that devices do not download', async () => {
    const downloaded = (await api(server, alice, '/api/pricebook')).body.items as { id: string; active?: boolean }[];
    expect(downloaded.length).toBe(50);
    expect(downloaded.some((i) => i.active === false)).toBe(false);
    const found = await api(server, dana, '/api/pricebook/search?q=compressor');
    expect(found.status).toBe(200);
    expect(found.body.items.length).toBeGreaterThanOrEqual(4);
    expect(found.body.items.every((i: { id: string; active?: boolean }) => i.active === false && !downloaded.some((d) => d.id === i.id))).toBe(true);
    const all: string[] = [];
    for (let cursor: string | null = ''; cursor !== null;) {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await api(server, dana, `/api/pricebook/search?limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    }
    expect(all.length).toBe(62);
    expect(new Set(all).size).toBe(62);
  });

  it('refuses a bad page request with validation_failed naming the parameter, and an anonymous one with 401', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=500', 'limit'],
      [`q=${'x'.repeat(101)}`, 'q'],
      ['page=2', ''],
    ]) {
      const res = await api(server, alice, `/api/customers?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toContain(field);
    }
    expect((await api(server, null, '/api/pricebook/search?q=filter')).status).toBe(401);
  });
});
