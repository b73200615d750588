/**
 * The delay proxy (`delay-proxy.ts`) in a process of its own. In the load generator's
 * process, the proxy's reads and its 50 ms timers wait whenever the generator is busy (a
 * device applying 200 answers), so the link's delay grows with the generator's CPU: a
 * chunk the server sent while the generator worked was read late and delayed 50 ms more
 * from there. On its own the link delays every chunk 50 ms from when the server (or the
 * client) sent it, as a network does. It starts on the generator's core (it inherits the
 * pinning) and uses little of it: forwarding, no parsing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDelayProxy, type DelayProxy, type LinkCounters } from './delay-proxy';

/** A delay proxy running in a child process; what the in-process one offers, asked over IPC. */
export interface LinkProcess {
  port: number;
  /** Traffic since start or the last `reset`. */
  counters(): Promise<LinkCounters>;
  /** Client turns each connection may take from now on (0: no limit; see `DelayProxy.maxTurns`). */
  setMaxTurns(turns: number): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

type Request = { id: number; cmd: 'counters' | 'reset' | 'maxTurns' | 'close'; turns?: number };

/** Starts the proxy process: 127.0.0.1:`targetPort` behind `oneWayMs` each way. */
export async function startLinkProcess(targetPort: number, oneWayMs: number): Promise<LinkProcess> {
  const child = fork(fileURLToPath(import.meta.url), ['link', String(targetPort), String(oneWayMs)], {
    // Resolved from here: the child finds tsx whatever directory the run started in.
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`link process exited with ${code}`)));
  });
  let next = 1;
  const pending = new Map<number, (value: unknown) => void>();
  child.on('message', (m: { id?: number; value?: unknown }) => {
    if (m.id === undefined) return;
    pending.get(m.id)?.(m.value);
    pending.delete(m.id);
  });
  const ask = <T>(req: Omit<Request, 'id'>): Promise<T> =>
    new Promise((resolve) => {
      const id = next++;
      pending.set(id, resolve as (value: unknown) => void);
      child.send({ ...req, id });
    });
  return {
    port,
    counters: () => ask<LinkCounters>({ cmd: 'counters' }),
    setMaxTurns: (turns) => ask<void>({ cmd: 'maxTurns', turns }),
    reset: () => ask<void>({ cmd: 'reset' }),
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      await ask<void>({ cmd: 'close' });
      await exited;
    },
  };
}

/** The child: runs the proxy and answers the parent's requests. */
async function serve(proxy: DelayProxy, child: ChildProcess | NodeJS.Process): Promise<void> {
  child.on('message', (m: Request) => {
    const answer = (value?: unknown) => child.send!({ id: m.id, value });
    if (m.cmd === 'counters') answer({ ...proxy.counters });
    else if (m.cmd === 'reset') answer(proxy.reset());
    else if (m.cmd === 'maxTurns') answer((proxy.maxTurns = m.turns ?? 0) && undefined);
    else
      void proxy.close().then(() => {
        answer();
        process.disconnect();
      });
  });
  child.send!({ port: proxy.port });
}

if (process.argv[2] === 'link' && process.send) {
  const proxy = await startDelayProxy(Number(process.argv[3]), Number(process.argv[4]));
  await serve(proxy, process);
}
