/**
 * The server suite's way onto the test suites' one relay client (test-support/relay-client.ts):
 * `connectRelay(server.wsBase, jobId, token)` opens `/sync/:jobId`, sends sync step 1 and
 * waits until synced (or refused). The test decides what the server sees: nothing is sent
 * but what it sends (`edit`, `sendUpdate`, `sendRaw`), so a doc can be shaped first.
 */
import * as Y from 'yjs';
import { RelayClient } from '../../../../test-support/relay-client';
import { until } from './server';

export { RelayClient };

/** Options: `acks` asks for durable acks (default on); `waitSynced: false` sends no step 1 and does not wait. */
export async function connectRelay(wsBase: string, jobId: string, token: string | null, opts: { acks?: boolean; waitSynced?: boolean } = {}): Promise<RelayClient> {
  const waitSynced = opts.waitSynced !== false;
  const client = await RelayClient.connect({ baseUrl: wsBase, jobId, token, acks: opts.acks, doc: new Y.Doc(), autoSend: false, sendStep1: waitSynced });
  if (waitSynced && client.closeCode === null) await until(() => client.synced || client.closeCode !== null, 5000, 'sync');
  return client;
}
