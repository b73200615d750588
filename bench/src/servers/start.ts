import { startForwarder } from './forwarder';
import { startHocuspocus } from './hocuspocus';
import { startOutpost } from './outpost';
import type { RunningServer, ServerKind, StartServer } from './server';
import { startYwss } from './ywss';

const starters: Record<ServerKind, StartServer> = {
  outpost: startOutpost,
  hocuspocus: startHocuspocus,
  ywss: startYwss,
  forwarder: startForwarder,
};

/** Starts the named server kind with its data in `dataDir`. */
export function startServer(kind: ServerKind, dataDir: string): Promise<RunningServer> {
  return starters[kind](dataDir);
}
