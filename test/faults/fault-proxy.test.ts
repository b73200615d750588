import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from '../../test-support/fault-proxy';
import { Prng } from './support/seed';
import { until } from '../../test-support/until';

/** A server that records what each connection received. */
async function recordingServer(): Promise<{ server: Server; port: number; received: Buffer[][]; sockets: Socket[] }> {
  const received: Buffer[][] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    const chunks: Buffer[] = [];
    received.push(chunks);
    sockets.push(socket);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { server, port, received, sockets };
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{ proxy: FaultProxy; received: Buffer[][]; sockets: Socket[] }> {
  const target = await recordingServer();
  const proxy = await FaultProxy.start({ targetPort: target.port, rng: new Prng(7) });
  cleanups.push(
    () => new Promise<void>((r) => target.server.close(() => r())),
    () => target.sockets.forEach((s) => s.destroy()),
    () => proxy.close(),
  );
  return { proxy, received: target.received, sockets: target.sockets };
}

describe('fault proxy', () => {
  it('passes bytes through unchanged on a clean wire', async () => {
    const { proxy, received } = await setup();
    const client = await dial(proxy.port);
    cleanups.push(() => void client.destroy());
    client.write(Buffer.from('hello outpost'));
    await until('bytes', () => Buffer.concat(received[0] ?? []).toString() === 'hello outpost');
  });

  it('holds bytes during a stall and delivers them in order after resume', async () => {
    const { proxy, received } = await setup();
    const client = await dial(proxy.port);
    cleanups.push(() => void client.destroy());
    await until('upstream connection', () => received.length === 1);
    proxy.stall();
    for (let i = 0; i < 5; i++) client.write(Buffer.from(`[${i}]`));
    await new Promise((r) => setTimeout(r, 100));
    expect(Buffer.concat(received[0]!).length).toBe(0);
    proxy.resume();
    await until('ordered bytes', () => Buffer.concat(received[0]!).toString() === '[0][1][2][3][4]');
  });

  it('tears a frame in the middle when it cuts a connection', async () => {
    const { proxy, received } = await setup();
    const client = await dial(proxy.port);
    const closed = new Promise<void>((r) => client.on('close', () => r()));
    client.on('error', () => {});
    await until('upstream connection', () => received.length === 1);
    proxy.cutAll();
    client.write(Buffer.alloc(1000, 1));
    await closed;
    await new Promise((r) => setTimeout(r, 50));
    const got = Buffer.concat(received[0]!).length;
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(1000);
    expect(proxy.stats.midFrameCuts).toBe(1);
  });

  it('refuses everyone during a partition and lets them in after heal', async () => {
    const { proxy, received } = await setup();
    const before = await dial(proxy.port);
    const dropped = new Promise<void>((r) => before.on('close', () => r()));
    before.on('error', () => {});
    await until('first connection', () => received.length === 1);
    proxy.partition();
    await dropped;
    const refused = await dial(proxy.port);
    await new Promise<void>((r) => refused.on('close', () => r()));
    expect(received.length).toBe(1);
    expect(proxy.stats.refused).toBe(1);
    proxy.heal();
    const after = await dial(proxy.port);
    cleanups.push(() => void after.destroy());
    after.write('back');
    await until('healed connection', () => received.length === 2 && Buffer.concat(received[1]!).toString() === 'back');
  });

  it('lets requests through but drops every answer when replies are dropped', async () => {
    const { proxy, received, sockets } = await setup();
    proxy.dropReplies = true;
    const client = await dial(proxy.port);
    cleanups.push(() => void client.destroy());
    const answers: Buffer[] = [];
    client.on('data', (c) => answers.push(c));
    client.write('request');
    await until('request at the server', () => Buffer.concat(received[0] ?? []).toString() === 'request');
    sockets[0]!.write('answer');
    await new Promise((r) => setTimeout(r, 100));
    expect(answers).toEqual([]);
  });

  it('delays bytes without losing or reordering them', async () => {
    const { proxy, received } = await setup();
    proxy.delayMs = 20;
    const client = await dial(proxy.port);
    cleanups.push(() => void client.destroy());
    const expected = Array.from({ length: 20 }, (_, i) => `<${i}>`).join('');
    for (let i = 0; i < 20; i++) client.write(`<${i}>`);
    await until('delayed bytes', () => Buffer.concat(received[0] ?? []).toString() === expected);
  });
});
