import { durableWrites } from './durable-writes';
import type { Scenario } from './scenario';

/** Every scenario, in the order the issue lists them. */
export const SCENARIOS: Scenario[] = [durableWrites];
