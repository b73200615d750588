/** A rejection handler that logs what failed (a background publish, unsubscribe, commit). */
export function logFailure(what: string): (err: unknown) => void {
  return (err) => console.error(`[outpost] ${what} failed`, err);
}
