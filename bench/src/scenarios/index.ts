import { ackLatency } from './ack-latency';
import { awarenessFlood } from './awareness-flood';
import { catchUpScenario } from './catch-up';
import { coldOpen } from './cold-open';
import { deviceOpen } from './device-open';
import { durableWrites } from './durable-writes';
import { fanout } from './fanout';
import { fanoutDurability } from './fanout-durability';
import { idleJobs } from './idle-jobs';
import { largeDoc } from './large-doc';
import { manyJobs } from './many-jobs';
import { memory } from './memory';
import { opsReplay } from './ops-replay';
import { reconnectStorm } from './reconnect-storm';
import { scaleOut } from './scale-out';
import { scheduleBoard } from './schedule-board';
import type { Scenario } from './scenario';

/**
 * Every scenario. Memory's 5-minute idle reading is taken between the scenarios after it, so
 * those after it must fit beside its 15,000 idle sockets (the many-idle-jobs scenario does not:
 * before it), and the later memory comes, the more of that wait is waited for, not overlapped.
 */
export const SCENARIOS: Scenario[] = [
  fanout,
  fanoutDurability,
  durableWrites,
  ackLatency,
  coldOpen,
  scheduleBoard,
  idleJobs,
  // Before memory: its times are absolute (≤ 50 ms), and beside memory's 15,000 idle sockets
  // Chromium shared the generator's core with their keep-alive traffic (125 and 218 ms in two
  // runs there, 98 ms alone).
  deviceOpen,
  memory,
  // From here on memory's 5-minute idle wait runs beside them: light on the load generator
  // (each opens at most a few thousand sockets), and together about as long as the wait.
  manyJobs,
  opsReplay,
  catchUpScenario,
  reconnectStorm,
  awarenessFlood,
  largeDoc,
  scaleOut,
];
