/**
 * A real nginx in front of the test cluster, configured from the nginx blocks of
 * docs/scaling.md as written: only the upstream servers, the `listen` line and the TLS lines
 * change (plain http on a loopback port), and a minimal wrapper (events, http, pid, logs,
 * temp paths under a temp dir) lets it run in the foreground as any user.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { nginxPath } from '../../../../test-support/requirements';
import { until } from '../../../../test-support/until';

const SCALING_DOC = new URL('../../../../docs/scaling.md', import.meta.url);

/** The two nginx setups docs/scaling.md documents, in the order they appear there. */
export type Routing = 'by job id' | 'by shard';

/**
 * The http-level config of one routing, from the doc's `nginx` blocks: the first is complete
 * (maps, upstream, server); the second (device channels per shard) replaces its maps and
 * upstream and keeps the first's `server` block, as the doc says.
 */
export async function documentedConfig(routing: Routing, upstreamPorts: number[], listenPort: number): Promise<string> {
  const blocks = [...(await readFile(SCALING_DOC, 'utf8')).matchAll(/```nginx\n([\s\S]*?)```/g)].map((m) => m[1]!);
  if (blocks.length !== 2) throw new Error(`docs/scaling.md should hold two nginx blocks, found ${blocks.length}`);
  const server = /^server \{[\s\S]*^\}$/m.exec(blocks[0]!)?.[0];
  if (!server) throw new Error('the first nginx block of docs/scaling.md has no server { } block');
  const text = routing === 'by job id' ? blocks[0]! : `${blocks[1]!}\n${server}\n`;
  return forLoopback(text, upstreamPorts, listenPort);
}

/** Swaps the doc's example addresses for loopback ports, and its TLS listener for plain http. */
function forLoopback(config: string, upstreamPorts: number[], listenPort: number): string {
  const lines = config.split('\n');
  const hash = lines.findIndex((l) => /^\s*hash \S+ consistent;/.test(l));
  const servers = lines.filter((l) => /^\s*server [\w.-]+:\d+;/.test(l));
  const listen = lines.filter((l) => /^\s*listen /.test(l));
  if (hash < 0 || servers.length === 0 || listen.length !== 1) throw new Error(`unexpected nginx block in docs/scaling.md:\n${config}`);
  const loopback = upstreamPorts.map((p) => `  server 127.0.0.1:${p};`);
  return lines
    .flatMap((l, i) => (i === hash ? [l, ...loopback] : [l]))
    .filter((l) => !servers.includes(l) && !/^\s*ssl_/.test(l))
    .map((l) => (listen.includes(l) ? `  listen 127.0.0.1:${listenPort};` : l))
    .join('\n');
}

/** A running nginx started by the test. */
export class Nginx {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly output: () => string,
  ) {}

  /** Checks the config (`nginx -t`) and runs nginx in the foreground until it listens; `config` gets the port to listen on. */
  static async start(config: (listenPort: number) => Promise<string>): Promise<Nginx> {
    const dir = await mkdtemp(join(tmpdir(), 'outpost-nginx-'));
    // Run as root, nginx's workers drop to `nobody`, which must reach the temp paths.
    await chmod(dir, 0o755);
    const port = await freePort();
    const httpConfig = await config(port);
    const conf = join(dir, 'nginx.conf');
    await writeFile(conf, wrapper(dir, httpConfig));
    const args = ['-p', dir, '-c', conf, '-e', 'stderr', '-g', 'daemon off;'];
    const test = spawnSync(nginxPath, ['-t', ...args], { encoding: 'utf8' });
    if (test.status !== 0) throw new Error(`nginx -t refused the config:\n${test.stderr}\n${httpConfig}`);
    const child = spawn(nginxPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const url = `http://127.0.0.1:${port}`;
    await until(`nginx to listen on ${url}`, async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}):\n${output}`);
      return fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    });
    return new Nginx(url, child, dir, () => output);
  }

  /** Stops nginx (fast shutdown) and removes its temp dir. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The least nginx needs around the doc's http-level config to run in `dir`. */
function wrapper(dir: string, httpConfig: string): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`);
  return [
    `pid ${join(dir, 'nginx.pid')};`,
    'error_log stderr warn;',
    'worker_processes 1;',
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    ...temp,
    httpConfig,
    '}',
    '',
  ].join('\n');
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * Where nginx's `hash … consistent` sends a key among `servers` (as written in the upstream
 * block): each server gets 160 points on a ring of crc32 values, a key goes to the first point
 * at or after crc32(key) (ngx_http_upstream_hash_module). Used only to pick node ports for
 * which a handful of keys do not all land on one node by chance; the test itself observes
 * where nginx really sends each socket.
 */
export function consistentHashPick(servers: string[], key: string): number {
  const points = servers
    .flatMap((name, server) => {
      const colon = name.lastIndexOf(':');
      const base = crc32(name.slice(colon + 1), crc32('\0', crc32(name.slice(0, colon))));
      const out: { hash: number; server: number }[] = [];
      const prev = Buffer.alloc(4);
      for (let i = 0; i < 160; i++) {
        const hash = crc32(prev, base);
        out.push({ hash, server });
        prev.writeUInt32LE(hash);
      }
      return out;
    })
    .sort((a, b) => a.hash - b.hash);
  const h = crc32(key);
  return (points.find((p) => p.hash >= h) ?? points[0]!).server;
}

/** Two free ports for which nginx's consistent hash spreads every list of keys over both. */
export async function portsThatSpread(keyLists: string[][]): Promise<[number, number]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const ports: [number, number] = [await freePort(), await freePort()];
    const servers = ports.map((p) => `127.0.0.1:${p}`);
    if (ports[0] !== ports[1] && keyLists.every((keys) => new Set(keys.map((k) => consistentHashPick(servers, k))).size === 2)) return ports;
  }
  throw new Error('found no two free ports that spread the keys');
}
