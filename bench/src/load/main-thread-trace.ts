/**
 * The page's main-thread tasks with their CPU time, from a Chromium trace (category
 * `toplevel`: every `ThreadControllerImpl::RunTask` on the renderer's main thread carries its
 * wall duration `dur` and its thread CPU time `tdur`, both µs). On a shared machine a task's
 * wall time includes the time the renderer waited for a core; its CPU time is the page's own
 * work, which is what a task would take on a core of its own.
 */
import type { Browser, Page } from 'playwright-core';

/** One main-thread task, ms. */
export interface MainTask {
  wallMs: number;
  cpuMs: number;
}

/** Starts tracing `page`; the returned function stops and gives the renderer main thread's tasks. */
export async function traceMainThread(browser: Browser, page: Page): Promise<() => Promise<MainTask[]>> {
  await browser.startTracing(page, { categories: ['toplevel'] });
  return async () => {
    const raw = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents?: TraceEvent[] } | TraceEvent[];
    const events = Array.isArray(raw) ? raw : (raw.traceEvents ?? []);
    const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    return events
      .filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && main.has(`${e.pid}:${e.tid}`))
      .map((e) => ({ wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000 }));
  };
}

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** Tasks over 50 ms of wall time (what the page's PerformanceObserver calls long tasks). */
export function longTasksOf(tasks: readonly MainTask[]): MainTask[] {
  return tasks.filter((t) => t.wallMs > 50);
}
