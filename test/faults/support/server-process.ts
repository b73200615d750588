/**
 * The real `outpost-server` bin as a child process, so a test can SIGKILL it mid-write and
 * start it again on the same port and data directory — the way a power cut or an OOM kill
 * would end it.
 *
 *   const server = await ServerProcess.start({ dataDir, secret });
 *   server.kill();            // SIGKILL: no shutdown hooks, no flush
 *   await server.restart();   // same port, same data
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { launchServer } from '../../../test-support/server-process';

/** A free loopback port (bound and released at once). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Options for `ServerProcess.start`. */
export interface ServerProcessOptions {
  dataDir: string;
  secret: string;
  port?: number;
  extraArgs?: string[];
  env?: Record<string, string>;
}

/** See the module comment. */
export class ServerProcess {
  private child: ChildProcess | null = null;
  /** Every line the process wrote to stderr, for failure messages. */
  readonly log: string[] = [];
  kills = 0;

  private constructor(
    readonly port: number,
    private readonly options: ServerProcessOptions,
  ) {}

  /** Starts the server and waits until it listens. */
  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const server = new ServerProcess(options.port ?? (await freePort()), options);
    await server.restart();
    return server;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The child's pid (for reading its memory in /proc). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resident memory of the child in bytes, from /proc (Linux). */
  rssBytes(): number {
    if (!this.child?.pid) return 0;
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  }

  /** True while the child runs. */
  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts (again) on the same port and data directory; resolves once it listens. */
  async restart(timeoutMs = 30_000): Promise<void> {
    if (this.running) throw new Error('server is already running');
    const launched = await launchServer({
      args: ['--port', String(this.port), '--host', '127.0.0.1', '--data', this.options.dataDir, '--seed', 'demo', ...(this.options.extraArgs ?? [])],
      env: { ...this.options.env, OUTPOST_SECRET: this.options.secret },
      timeoutMs,
      onOutput: (chunk) => {
        this.log.push(...chunk.split('\n').filter(Boolean));
        if (this.log.length > 500) this.log.splice(0, this.log.length - 500);
      },
    });
    this.child = launched.child;
  }

  /** SIGKILL: the process ends at once, whatever it was doing. Resolves when it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    this.kills++;
    await exited;
  }

  /** Stops the server for good (SIGKILL is fine: tests keep no state in it). */
  async stop(): Promise<void> {
    await this.kill();
    this.kills = Math.max(0, this.kills - 1);
  }
}
