import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { onError } from '../http/errors';
import { isLoopbackHost, requireMetricsAccess, type MetricsAccess } from './access';

function scrape(access: MetricsAccess, token?: string) {
  const app = new Hono();
  app.onError(onError);
  app.get('/metrics', requireMetricsAccess(access), (c) => c.text('outpost_connections 0\n'));
  return app.request('/metrics', { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

describe('metrics access', () => {
  it('knows which bind addresses reach only this machine', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.20', 'outpost.example', '128.0.0.1']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('refuses metrics on a public interface without a configured token, and asks for it when there is one', async () => {
    const open = await scrape({ host: '0.0.0.0' });
    expect(open.status).toBe(403);
    expect(((await open.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await scrape({ host: '0.0.0.0', token: 'scrape' })).status).toBe(401);
    expect((await scrape({ host: '0.0.0.0', token: 'scrape' }, 'scrapE')).status).toBe(401);
    expect((await scrape({ host: '0.0.0.0', token: 'scrape' }, 'scrape')).status).toBe(200);
    expect((await scrape({ host: '127.0.0.1' })).status).toBe(200);
  });
});
