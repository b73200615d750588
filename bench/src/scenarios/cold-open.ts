/**
 * Scenario 4, cold open: a job whose history is 10,000 field actions.
 *
 * Server: the device sends the 10,000 actions as 10,000 update messages; the server is
 * stopped (peers flush their storage on close) and new server processes start on copies of
 * the same data directory. We time a fresh socket from open to the server's sync step 2,
 * which needs the job loaded from storage (10 processes: median and range), then the same
 * again with the job in memory (warm). Outpost also runs killed with SIGKILL right after
 * the last ack (its log since the last compaction left behind), and on Postgres.
 * Each server keeps its own storage format (Outpost SQLite with its compaction, y-leveldb
 * per-update records, Hocuspocus one merged state).
 * (Device open is scenarios/device-open.ts.)
 */
import { SERVER_LABELS } from '../servers/server';
import { KILL_TAIL, outpostAfterKill, outpostOnPostgres, serverColdOpen } from './cold-open-server';
import { rangeBars } from '../report/svg';
import { judge, type BenchContext, type Chart, type ResultRow, type Scenario } from './scenario';

/** Median and range of every row with cold-open samples (the "cold range ms" column is "min–max"). */
function coldOpenChart(rows: ResultRow[], actions: number): Chart {
  const bars = rows.flatMap((r) => {
    const median = r.figures['server cold open p50 ms'];
    const range = String(r.figures['cold range ms'] ?? '')
      .split('–')
      .map(Number);
    return typeof median === 'number' ? [{ label: r.label, median, min: range[0] ?? NaN, max: range[1] ?? NaN }] : [];
  });
  return { file: 'cold-open.svg', title: 'Cold open per path', svg: rangeBars(`Cold open of a ${actions}-update job (median, range)`, 'ms', bars) };
}

/** Cold open of a job with 10,000 updates from the server's storage, per path. */
export const coldOpen: Scenario = {
  id: 'cold-open',
  title: 'Cold open',
  async run(ctx: BenchContext) {
    const actions = ctx.quick ? 2000 : 10_000;
    const samples = ctx.quick ? 3 : 10;
    const rows: ResultRow[] = [];
    const failed = (e: unknown) => ({ error: String(e).split('\n')[0]! });
    for (const kind of ctx.servers) {
      ctx.log(`  cold open: ${kind}`);
      rows.push({ label: SERVER_LABELS[kind], server: kind, figures: await serverColdOpen(kind, actions, samples) });
    }
    if (ctx.servers.includes('outpost')) {
      ctx.log('  cold open: outpost after SIGKILL');
      rows.push({ label: 'Outpost, after SIGKILL (uncompacted log)', server: 'outpost', figures: await outpostAfterKill(actions, samples).catch(failed) });
      for (const end of ['stop', 'kill'] as const) {
        ctx.log(`  cold open: outpost on Postgres (${end})`);
        const label = end === 'stop' ? 'Outpost on Postgres' : 'Outpost on Postgres, after SIGKILL';
        rows.push({ label, server: 'outpost', figures: await outpostOnPostgres(actions, samples, end).catch(failed) });
      }
    }
    return {
      id: 'cold-open',
      title: `Cold open (${actions} updates of history)`,
      rows,
      ratios: {},
      charts: [coldOpenChart(rows, actions)],
      // The cold-open targets of issue 14 (see the README's analysis).
      targets: [
        ['Outpost, after SIGKILL (uncompacted log)', '≤ 20 ms', 20],
        ['Outpost on Postgres', '≤ 30 ms', 30],
      ].map(([label, target, bound]) => {
        const row = rows.find((r) => r.label === label);
        return judge(`cold open: ${label}, median`, target as string, Number(row?.figures['server cold open p50 ms'] ?? NaN), (v) => v <= (bound as number));
      }),
      notes: [
        `Server open = websocket open to the sync step 2 reply on a fresh process (job not in memory): median and range of ${samples} processes, each on its own copy of the seeded data; warm = with the job loaded (median of 5); both include the loopback handshake.`,
        `Rows without "after SIGKILL" were seeded and then stopped gracefully (Outpost compacts on unload). "After SIGKILL": after the actions, keystrokes until at least ${KILL_TAIL} updates sit behind the last compaction (the relay compacts every 500), then the seeding server was killed right after the last durable ack ("uncompacted rows" = the log left behind the snapshot).`,
        'Outpost folds the logs a killed process left while it starts, before it listens (up to 2 s; the rest in the background): the SIGKILL rows time a job opened after that, and "process start" (fork to listening, median) carries the fold. "Rows at open (max)" counts the log still behind the snapshot right before each timed open: 0 means the open read a folded snapshot, not the crash log.',
        'A cold open is timed to the job\'s content at the device: a sync step 2 without it (y-websocket-server answers before its LevelDB state is bound) does not count, the time runs on to the content, and "step 2 carried the content" says how often that happened. The JIT warm-up opens another job with content first.',
        "Device open has its own scenario (device-open): @outpost/client's JobSession in a fresh Chromium per sample.",
      ],
    };
  },
};
