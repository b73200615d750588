/**
 * @outpost/client/react: `<OutpostProvider engine>` and the hooks the field app uses.
 *
 * @module @outpost/client/react
 */
export { OutpostProvider, useOutpost } from './context';
export {
  messageState,
  peersOf,
  useJob,
  useJobAccess,
  useJobAccessList,
  useJobRoot,
  useOutbox,
  usePresence,
  usePriming,
  useSyncStatus,
  type JobPeer,
  type LiveJob,
  type LocalPresence,
} from './hooks';
export { useJobDigests, type JobDigest } from './job-digests';
export { holdJobs, oncePerFrame, JOBS_PER_TURN, type JobOpener, type NextTurn } from './held-jobs';
export type { JobRootName } from '../jobs/job-view';
