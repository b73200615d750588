/**
 * Device open (issue 18.5): how long a technician's device takes to open a job with 10,000
 * field actions of history, through the real client open path — `@outpost/client`'s
 * JobSession: the job doc from y-indexeddb plus its pending updates from the device
 * database. Each sample is a fresh Chromium process (playwright-core, /usr/bin/chromium) on
 * the same profile directory, so nothing of the job is in memory or in a warm browser
 * cache; with and without 4× CPU throttling (DevTools `Emulation.setCPUThrottlingRate`) to
 * stand in for a mid-range phone.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../../test-support/requirements';
import { bundlePage, servePage } from '../harness/bundle';
import { round, showSpread, spread } from '../harness/stats';
import { rangeBars } from '../report/svg';
import { judge, type BenchContext, type ResultRow, type Scenario } from './scenario';

const JOB = 'job-device-open';
/** How long the page sits idle after it loaded before the open is timed. */
const SETTLE_MS = 1000;
type Page = import('playwright-core').Page;

async function withBrowser<T>(profile: string, url: string, use: (page: Page) => Promise<T>): Promise<T> {
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: chromiumArgs, headless: true });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await page.waitForFunction(() => 'openJob' in window);
    return await use(page);
  } finally {
    await context.close();
  }
}

/** One row's browsers: CPU throttling, and whether the page warms up the codec as the engine does at start. */
interface Variant {
  throttle: number;
  warmUp: boolean;
}
const WARMED: Variant = { throttle: 1, warmUp: true };
const WARMED_THROTTLED: Variant = { throttle: 4, warmUp: true };
const COLD: Variant = { throttle: 1, warmUp: false };
const VARIANTS = [WARMED, WARMED_THROTTLED, COLD];
const labelOf = ({ throttle, warmUp }: Variant) =>
  `Chromium, @outpost/client JobSession${throttle > 1 ? `, ${throttle}× CPU throttling` : ''}${warmUp ? '' : ', no codec warm-up (cold JIT)'}`;

interface Sample {
  ms: number;
  warmedBeforeTap: boolean;
  notes: number;
  pending: number;
}

async function sample(profile: string, url: string, { throttle, warmUp }: Variant): Promise<Sample> {
  return withBrowser(profile, warmUp ? url : `${url}?cold`, async (page) => {
    if (throttle > 1) {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    }
    // The app is up and settled when a technician taps a job: the browser's own start-up
    // (its GPU, network and storage processes, on this one core) is not part of the open.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return page.evaluate((job) => (window as unknown as { openJob(id: string): Promise<Sample> }).openJob(job), JOB);
  });
}

/** Opening a job of 10,000 actions on a device, fresh browser per sample. */
export const deviceOpen: Scenario = {
  id: 'device-open',
  title: 'Device open',
  async run(ctx: BenchContext) {
    const actions = ctx.quick ? 2000 : 10_000;
    // ≥ 5 fresh browsers per row (issue 18.8), one per headline run.
    const samples = ctx.quick ? 2 : Math.max(5, ctx.runs);
    const notes = [
      `A job with ${actions} field actions made on the device through @outpost/client's JobSession (offline, so every one is also a pending update). Each sample launches a fresh Chromium on the same profile and times JobSession.open (IndexedDB doc + pending updates) on a freshly loaded page; ${samples} samples per row, median (range).`,
      '4× throttled: DevTools Emulation.setCPUThrottlingRate 4, a stand-in for a mid-range phone. Chromium runs on the load generator core (no server runs in this scenario).',
      `The open is timed ${SETTLE_MS} ms after the page loaded, as a technician taps a job in an app that is up: timed at once, it shared the one core with the fresh browser's own start-up (its other processes) and read ~90 ms against ~60 ms settled (exp. 27 Nov, 5 fresh browsers each). Nothing of the job is read before the open; IndexedDB's backend starts with it.`,
      "The page's script is served as the field app's hashed assets are (cache-control immutable), so Chromium's on-disk code cache in the profile holds its compiled code after the first samples, as on a device that has run the app before; nothing of the job is in memory.",
      "Unthrottled, IndexedDB is not the cost: the job database opens in 2–4 ms and reads its one compacted record (~125 KB) in ~3 ms; applying that record to a new Y.Doc is most of the rest (a DevTools profile of a settled open: ~45 ms, about half of it decoding, a fifth of that the per-item strings; about 10 ms once the JIT is warm), and the pending records another few ms. Storing the record in Yjs's v2 encoding (strings decoded at once, keys once) did not apply faster cold, in Node (48–52 ms against 27–51 ms for v1) nor in a fresh, settled Chromium page (52–64 against 44–54 ms; 6 fresh browsers each). That apply is slow cold because Yjs's decoding code still runs in V8's interpreter: in Node, a fresh process applied the record in 33–48 ms, and in 16–20 ms after decoding a 300-action sample job ten times (exp. 28 Nov).",
      'So the engine warms the codec up at start (createOutpost, engine/codec-warm-up.ts): it decodes a 300-edit sample job ten times, one idle slice each (~15–30 ms of idle CPU unthrottled); nothing of any real job is read. The page starts the same warm-up as it loads, as the engine does, and the open is timed 1 s later; the target is judged on those rows (an app that started), and the row without a warm-up (the page loads no warm-up: a cold JIT, what a first open cost before) is judged too, so both readings stand.',
    ];
    if (!existsSync(chromiumPath)) return { id: 'device-open', title: this.title, rows: [], ratios: {}, notes: [...notes, `skipped: ${chromiumPath} not found`] };
    const served = await servePage(await bundlePage('device-open-page.ts'));
    const profile = mkdtempSync(join(tmpdir(), 'outpost-bench-device-'));
    const results = new Map<Variant, number[]>();
    let warmedLate = 0;
    let seen = { notes: 0, pending: 0 };
    const t0 = performance.now();
    try {
      const pending = await withBrowser(profile, served.url, (page) =>
        page.evaluate(([job, n]) => (window as unknown as { seedJob(id: string, n: number): Promise<number> }).seedJob(job, n), [JOB, actions] as const),
      );
      ctx.log(`  device open: seeded ${actions} actions (${pending} pending) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      for (let i = 0; i < samples; i++) {
        for (const variant of i % 2 ? [...VARIANTS].reverse() : VARIANTS) {
          const r = await sample(profile, served.url, variant);
          if (r.notes < 1) throw new Error('the job opened empty from IndexedDB');
          if (variant.warmUp && !r.warmedBeforeTap) warmedLate++;
          seen = r;
          results.set(variant, [...(results.get(variant) ?? []), r.ms]);
        }
      }
      ctx.log(`  device open: ${VARIANTS.length * samples} fresh browsers sampled by ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } finally {
      await served.close();
      rmSync(profile, { recursive: true, force: true });
    }
    const spreadOf = (v: Variant) => spread(results.get(v) ?? []);
    const rows: ResultRow[] = VARIANTS.map((v) => {
      const sp = spreadOf(v);
      return {
        label: labelOf(v),
        server: 'outpost',
        figures: { samples: sp.n, 'open ms': showSpread(sp), 'pending updates loaded': seen.pending },
      };
    });
    const [unthrottled, throttled, cold] = [spreadOf(WARMED), spreadOf(WARMED_THROTTLED), spreadOf(COLD)];
    ctx.log(`  device open: ${round(unthrottled.median)} ms, 4× throttled ${round(throttled.median)} ms, no warm-up ${round(cold.median)} ms`);
    if (warmedLate > 0) notes.push(`In ${warmedLate} warmed-up sample(s) the warm-up had not finished when the open began (it runs in idle slices; the open was timed as it was).`);
    return {
      id: 'device-open',
      title: `Device open (${actions} actions of history)`,
      rows,
      ratios: {},
      targets: [
        judge(
          `device open of a ${actions}-action job, unthrottled, median (app started: codec warm-up ran)`,
          '≤ 50 ms',
          actions === 10_000 ? unthrottled.median : NaN,
          (v) => v <= 50,
        ),
        judge(`device open of a ${actions}-action job, unthrottled, median, no codec warm-up (cold JIT)`, '≤ 50 ms', actions === 10_000 ? cold.median : NaN, (v) => v <= 50),
      ],
      charts: [
        {
          file: 'device-open.svg',
          title: 'Device open',
          svg: rangeBars(`Device open of a ${actions}-action job (median, range)`, 'ms', [
            { label: 'Chromium', ...unthrottled },
            { label: 'Chromium, 4× CPU throttling', ...throttled },
            { label: 'Chromium, no warm-up', ...cold },
          ]),
        },
      ],
      notes,
    };
  },
};
