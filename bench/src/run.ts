/**
 * `pnpm bench`: runs every scenario against Outpost, Hocuspocus and y-websocket-server in
 * the same run, prints a table per scenario and writes bench/results/latest.json.
 *
 * BENCH_QUICK=1 — small sizes for development. BENCH_ONLY=id,id — run only those scenarios.
 * BENCH_SERVERS=outpost,ywss — only those servers (the fan-out reference, `forwarder`, runs
 * only when unset or named). BENCH_PROFILE=dir — CPU profiles of servers.
 * BENCH_FANOUT_RATES=4000,6000 — only those fan-out rates (updates/s offered).
 * BENCH_RUNS=n — repeats per headline figure (default 5, quick 1). BENCH_PIN=0 — no pinning.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './report/machine';
import { updateReadme } from './report/readme';
import { textTable } from './report/table';
import { SCENARIOS } from './scenarios/index';
import { memoryIdleSeconds } from './scenarios/memory';
import { estimateRun, estimateSeconds, showDuration } from './harness/estimate';
import type { BenchContext, ScenarioResult } from './scenarios/scenario';
import { compiledChildren, describeBuild } from './harness/compiled';
import { GENERATOR_NODE_FLAGS, relaunchWithGeneratorFlags } from './harness/generator-flags';
import { BENCH_SERVER_FLAGS, setUpPinning } from './harness/pinning';
import { postgresReachable } from './harness/postgres';
import { primePostgresWal } from './harness/postgres-wal';
import { ServerProcess } from './harness/server-process';
import { REFERENCE_KINDS, SERVER_KINDS, type ServerKind } from './servers/server';

async function availableServers(log: (l: string) => void): Promise<{ servers: ServerKind[]; references: ServerKind[]; missing: Record<string, string> }> {
  const wanted = (process.env.BENCH_SERVERS?.split(',') ?? [...SERVER_KINDS, ...REFERENCE_KINDS]) as ServerKind[];
  const servers: ServerKind[] = [];
  const references: ServerKind[] = [];
  const missing: Record<string, string> = {};
  for (const kind of wanted) {
    try {
      const probe = await ServerProcess.start(kind);
      await probe.stop();
      ((REFERENCE_KINDS as readonly string[]).includes(kind) ? references : servers).push(kind);
    } catch (e) {
      missing[kind] = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
      log(`! ${kind} cannot start, left out of this run: ${missing[kind]}`);
    }
  }
  return { servers, references, missing };
}

async function main(): Promise<void> {
  const started = Date.now();
  const log = (line: string) => console.log(line);
  const relaunched = relaunchWithGeneratorFlags(log);
  if (relaunched !== null) return void (process.exitCode = relaunched);
  const quick = process.env.BENCH_QUICK === '1';
  const pinning = setUpPinning(log);
  // Build (when stale) and bundle what the child processes run, before any is started.
  const { build } = await compiledChildren(log);
  log(`  measuring ${describeBuild(build)}`);
  const { servers, references, missing } = await availableServers(log);
  // Once, before any scenario writes to it: the WAL segments a running Postgres has recycled.
  const postgresWal = (await postgresReachable()) ? await primePostgresWal() : 'not used: Postgres is not reachable';
  log(`  Postgres WAL ${postgresWal}`);
  const runs = Number(process.env.BENCH_RUNS ?? (quick ? 1 : 5));
  const ctx: BenchContext = { quick, servers, references, runs, log };
  const only = process.env.BENCH_ONLY?.split(',');
  const chosen = SCENARIOS.filter((s) => !only || only.includes(s.id)).map((s) => s.id);
  const ids = SCENARIOS.map((s) => s.id);
  const estimate = estimateRun(chosen, quick, runs, { idleS: Math.max(...memoryIdleSeconds(quick)), after: ids.slice(ids.indexOf('memory') + 1) });
  log(
    `estimated run time: ${showDuration(estimate)} (${chosen.length} scenarios, ${runs} run${runs === 1 ? '' : 's'} per headline figure, ${servers.length} servers; each scenario prints its time beside its estimate)`,
  );
  const results: ScenarioResult[] = [];
  const failures: Record<string, string> = {};
  // Deferred work (a long idle wait) runs between later scenarios once due, never during one.
  const finishDue = async (all: boolean) => {
    for (const [i, r] of results.entries()) {
      if (!r.finish || (!all && performance.now() < r.finish.readyAt)) continue;
      const { finish } = r;
      const wait = finish.readyAt - performance.now();
      if (wait > 0) {
        log(`  (waiting ${(wait / 1000).toFixed(0)} s for ${r.title})`);
        await new Promise((res) => setTimeout(res, wait));
      }
      try {
        results[i] = await finish.run();
        log(textTable(results[i]!));
      } catch (e) {
        failures[r.id] = e instanceof Error ? (e.stack ?? e.message) : String(e);
        results[i] = { ...r, finish: undefined };
        log(`! ${r.title} failed to finish: ${failures[r.id]}`);
      }
    }
  };
  for (const scenario of SCENARIOS) {
    if (only && !only.includes(scenario.id)) continue;
    log(`> ${scenario.title}`);
    const t0 = Date.now();
    try {
      const result = await scenario.run(ctx);
      results.push(result);
      log(textTable(result));
    } catch (e) {
      failures[scenario.id] = e instanceof Error ? (e.stack ?? e.message) : String(e);
      log(`! ${scenario.title} failed: ${failures[scenario.id]}`);
    }
    log(
      `  (took ${((Date.now() - t0) / 1000).toFixed(1)} s, estimated ${estimateSeconds(scenario.id, quick, runs)} s; ${showDuration((Date.now() - started) / 1000)} into the run)\n`,
    );
    await finishDue(false);
  }
  await finishDue(true);
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    machine: machineInfo(),
    quick,
    pinning,
    postgresWal,
    serverNodeFlags: BENCH_SERVER_FLAGS,
    generatorNodeFlags: GENERATOR_NODE_FLAGS,
    build,
    runs,
    servers,
    references,
    missing,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    estimatedSeconds: estimate,
    scenarios: results,
    failures,
  };
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  // Only a complete full run is the latest result; filtered or quick runs go elsewhere.
  const partial = ['BENCH_ONLY', 'BENCH_SERVERS', 'BENCH_FANOUT_RATES', 'BENCH_RUNS', 'BENCH_MEMORY_IDLE', 'BENCH_IDLE_JOBS', 'BENCH_PIN'].some(
    (k) => process.env[k] !== undefined,
  );
  const file = quick ? 'quick.json' : partial ? 'partial.json' : 'latest.json';
  // Charts sit beside the tables: committed ones only from a complete full run.
  const chartDir = dir + (file === 'latest.json' ? 'charts/' : `${file.replace('.json', '')}-charts/`);
  rmSync(chartDir, { recursive: true, force: true });
  mkdirSync(chartDir, { recursive: true });
  for (const chart of results.flatMap((r) => r.charts ?? [])) writeFileSync(chartDir + chart.file, chart.svg);
  const slim = { ...report, scenarios: results.map(({ charts, finish: _finish, ...r }) => ({ ...r, charts: (charts ?? []).map((c) => c.file) })) };
  writeFileSync(dir + file, JSON.stringify(slim, null, 2) + '\n');
  log(`wrote bench/results/${file}`);
  log(`total run time: ${showDuration(report.durationSeconds)} (${report.durationSeconds} s; estimated ${showDuration(estimate)} at the start)`);
  // Only a complete full run replaces the README's figures.
  if (!quick && !partial && updateReadme(fileURLToPath(new URL('../README.md', import.meta.url)), report)) {
    log('updated the results in bench/README.md');
  }
  // Lingering keep-alive timers in peer libraries must not hold the run open.
  process.exit(Object.keys(failures).length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
