/**
 * The schedule-board scenario on its own (issue 17.5), without the rest of `pnpm bench`:
 * prints the table and the target lines, and the raw samples as JSON with `--json`.
 *
 *   npx tsx --conditions=development bench/src/schedule-board.ts [--json]
 *   BENCH_RUNS=1 …   (samples, default 3)
 */
import { setUpPinning } from './harness/pinning';
import { textTable } from './report/table';
import { scheduleBoard } from './scenarios/schedule-board';

const log = (line: string) => console.log(line);
const pinning = setUpPinning(log);
log(pinning.note);
const result = await scheduleBoard.run({ quick: false, servers: ['outpost'], references: [], runs: Number(process.env.BENCH_RUNS ?? 3), log });
console.log(textTable(result));
if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
