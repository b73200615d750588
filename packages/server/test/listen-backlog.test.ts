/**
 * A burst of connections while the server's event loop is busy (a reconnect storm after a
 * restart) is held by the kernel until the loop accepts them: none loses its SYN and waits a
 * second for TCP to try again (`LISTEN_BACKLOG`).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LISTEN_BACKLOG } from '../src/app';
import { startTestServer, type TestServer } from './support/server';

/** Above Node's default backlog (511), under a default limit of 1,024 open files. */
const BURST = 900;

/** The kernel's cap on any listen backlog; the test needs room for the burst. */
function somaxconn(): number {
  try {
    return Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  } catch {
    return 0;
  }
}

/**
 * A child process that, once told, opens `BURST` TCP connections to `port` at once and
 * reports how many completed their handshake within `windowMs`: a dropped SYN is retried
 * only after a second, so it shows as missing.
 */
const BURSTER = `
const net = require('node:net');
const [port, burst, windowMs] = process.argv.slice(1).map(Number);
process.stdin.once('data', () => {
  let connected = 0;
  const sockets = [];
  for (let i = 0; i < burst; i++) {
    const s = net.connect(port, '127.0.0.1', () => connected++);
    s.on('error', () => undefined);
    sockets.push(s);
  }
  setTimeout(() => {
    process.stdout.write(String(connected));
    for (const s of sockets) s.destroy();
    process.exit(0);
  }, windowMs);
});
process.stdout.write('ready\\n');
`;

describe('connections while the event loop is busy', () => {
  let server: TestServer;
  afterEach(async () => server?.dispose());

  // Skipped where the kernel caps every backlog below the burst (somaxconn < 1,024: older
  // Linux defaulted to 128), since no listen call could then hold it.
  it.skipIf(somaxconn() < 1024)(`are all held by the kernel: ${BURST} connects while the loop is blocked complete at once`, async () => {
    expect(LISTEN_BACKLOG).toBeGreaterThanOrEqual(BURST);
    server = await startTestServer();
    const child = spawn(process.execPath, ['-e', BURSTER, String(server.port), String(BURST), '700'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin.write('go\n');
    // The server's loop (this process's) is busy past the child's window: nothing is accepted
    // meanwhile, so only what the kernel's accept queue holds can complete.
    const until = performance.now() + 900;
    while (performance.now() < until);
    await done;
    expect(Number(out.replace('ready\n', ''))).toBe(BURST);
  });
});
