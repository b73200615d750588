import { catchUpScenario } from './catch-up';
import { coldOpen } from './cold-open';
import { durableWrites } from './durable-writes';
import { fanout } from './fanout';
import { manyJobs } from './many-jobs';
import { memory } from './memory';
import { opsReplay } from './ops-replay';
import { scaleOut } from './scale-out';
import type { Scenario } from './scenario';

/** Every scenario, in the order the issue lists them. */
export const SCENARIOS: Scenario[] = [catchUpScenario, fanout, durableWrites, coldOpen, manyJobs, memory, scaleOut, opsReplay];
