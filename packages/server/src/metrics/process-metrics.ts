/**
 * prom-client's default metrics for this Node process: event-loop lag, GC pauses, heap and
 * memory, CPU, open file descriptors, handles. They describe the process, not one server,
 * so one registry per process owns them (several servers in one test process share it);
 * `/metrics` appends them after the relay's own `outpost_*` series.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

/** The process-wide registry of default metrics, created on first use. */
export function processMetrics(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
