import { defineMessage, type ValueOf } from './message';

/**
 * Subscribe (device → server, on the device channel): join every job in `jobIds` in one
 * frame. `stateVectors[i]` is the device's encoded Yjs state vector of `jobIds[i]` (its
 * sync step 1), so the server answers each job's step 1 and step 2 at
 * once, without a round trip per job. A job the device may not open is refused on its own
 * (`error` addressed to it, then `jobClosed`); the others are unaffected.
 */
export const subscribe = defineMessage(104, 'subscribe', [
  ['jobIds', 'strings'],
  ['stateVectors', 'byteLists'],
] as const);

/** A decoded subscribe message. */
export type Subscribe = ValueOf<typeof subscribe.fields>;
