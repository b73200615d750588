/**
 * The young generation the relay is run and measured with (docs/decisions.md, "The server
 * runs with a 64 MB young generation"). Node takes it only as a start-up flag, so the
 * published bin and `pnpm start` pass it; a server started some other way says so once.
 */

/** Semi-space size, MB, of `--max-semi-space-size` as the bin passes it. */
export const RECOMMENDED_SEMI_SPACE_MB = 64;

/** The `--max-semi-space-size` node was started with (flags, then NODE_OPTIONS), or null for V8's default. */
export function semiSpaceMb(execArgv: readonly string[], nodeOptions = ''): number | null {
  const flags = [...execArgv, ...nodeOptions.split(/\s+/)];
  let found: number | null = null;
  for (const [i, flag] of flags.entries()) {
    const m = /^--max[-_]semi[-_]space[-_]size(?:=(\d+))?$/.exec(flag);
    if (!m) continue;
    const value = Number(m[1] ?? flags[i + 1]);
    if (Number.isFinite(value)) found = value;
  }
  return found;
}

/** What to tell the operator of a server running with a smaller young generation (null: nothing). */
export function youngGenerationAdvice(mb: number | null): string | null {
  if (mb !== null && mb >= RECOMMENDED_SEMI_SPACE_MB) return null;
  const now = mb === null ? "V8's default young generation" : `--max-semi-space-size=${mb}`;
  return (
    `[outpost] running with ${now}: start node with --max-semi-space-size=${RECOMMENDED_SEMI_SPACE_MB} (bin/outpost-server.js does), ` +
    'or relayed updates waiting for their commit are promoted and old-generation collections stall the relay under load'
  );
}
