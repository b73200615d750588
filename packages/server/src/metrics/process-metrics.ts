/**
 * prom-client's default metrics for this Node process: event-loop lag, GC pauses, heap and
 * memory, CPU, open file descriptors. They describe the process, not one server, so one
 * registry per process owns them (several servers in one test process share it);
 * `/metrics` appends them after the relay's own `outpost_*` series.
 *
 * Left out: the defaults that walk every open handle on the event loop at each scrape.
 * `nodejs_active_handles` and `nodejs_active_resources` list every socket's handle
 * (`process._getActiveHandles`, `getActiveResourcesInfo`), and `process_open_fds` lists
 * `/proc/self/fd` with `readdirSync`: with 3,000 relay sockets one scrape held the loop
 * for 17–50 ms (docs/decisions.md, "A scrape does not walk the sockets"), a stall every
 * deliver and ack behind it waited out. The relay counts its own sockets
 * (`outpost_connections`); the open descriptors are counted off the loop (`countOpenFds`).
 */
import { readdir } from 'node:fs/promises';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** Default metrics whose collection walks every handle or descriptor of the process. */
export const PER_HANDLE_METRICS = ['nodejs_active_handles', 'nodejs_active_handles_total', 'nodejs_active_resources', 'nodejs_active_resources_total', 'process_open_fds'] as const;

let registry: Registry | undefined;

/** The process-wide registry of default metrics, created on first use. */
export function processMetrics(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
    for (const name of PER_HANDLE_METRICS) registry.removeSingleMetric(name);
    if (process.platform === 'linux') {
      new Gauge({
        name: 'process_open_fds',
        help: 'Number of open file descriptors.',
        registers: [registry],
        async collect() {
          const count = await countOpenFds();
          if (count !== null) this.set(count);
        },
      });
    }
  }
  return registry;
}

/**
 * Open file descriptors of this process, listed on libuv's thread pool rather than the
 * event loop; null when `/proc` cannot be read. The listing's own descriptor is not counted.
 */
export async function countOpenFds(): Promise<number | null> {
  try {
    return (await readdir('/proc/self/fd')).length - 1;
  } catch {
    return null;
  }
}
