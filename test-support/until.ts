/**
 * The one polling wait of the test suites: resolves once `check` passes, fails naming
 * `what` after `timeoutMs`. For conditions with no event to wait on (another process's
 * state, a doc reaching a content); prefer awaiting an event where there is one.
 */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
