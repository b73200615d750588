/**
 * The relay says when its event loop has work no commit waits for (`Relay.admitting`):
 * sockets being let in (token, room, access check) or in their first sync, and jobs loading. The SQLite log writer
 * then answers a group commit in a later turn instead of holding the loop for its fsync
 * (in-turn-wait.ts): in a reconnect storm the loop's time goes to the sockets coming in.
 */
import { PROTOCOL_VERSION } from '@outpost/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore, type ServerHooks, type StoredJobDoc } from '../src/index';
import { connectRelay, type RelayClient } from './support/relay-client';
import { login, startTestServer, until, type TestServer } from './support/server';

/** A SQLite store whose job loads wait, while `holding`, until `letThrough()`. */
class SlowLoads extends SqliteStore {
  holding = false;
  waiting = 0;
  private open: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  letThrough(): void {
    this.open();
  }

  override async loadJobDoc(jobId: string): Promise<StoredJobDoc> {
    if (this.holding) {
      this.waiting++;
      await this.gate;
    }
    return super.loadJobDoc(jobId);
  }
}

describe('the relay says while it is letting sockets in', () => {
  let server: TestServer;
  const clients: RelayClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.dispose();
  });

  it('is admitting while a socket is being let in, for a job socket and a device channel, and not once it is in', async () => {
    let letIn: () => void = () => undefined;
    const gate = () => new Promise<void>((resolve) => (letIn = resolve));
    const hooks: ServerHooks = {
      // The office key waits at the door until the test opens it; everything else is the demo's sign-in.
      async authenticate({ url }) {
        if (url.searchParams.get('token') !== 'opk_slow') return null;
        await gate();
        return { userId: 'erp', role: 'dispatcher', name: 'Office ERP' };
      },
    };
    server = await startTestServer({ hooks });
    const alice = await login(server, 'alice');
    clients.push(await connectRelay(server.wsBase, 'job-1001', alice));
    expect(server.relay.admitting).toBe(false); // in and synced: nothing being let in

    const waiting = connectRelay(server.wsBase, 'job-1001', 'opk_slow');
    await until(() => server.relay.admitting, 5000, 'the socket to be at the door');
    letIn();
    clients.push(await waiting);
    expect(server.relay.admitting).toBe(false);

    const channel = new WebSocket(`${server.url.replace(/^http/, 'ws')}/device?token=opk_slow&v=${PROTOCOL_VERSION}`);
    await until(() => server.relay.admitting, 5000, 'the channel to be at the door');
    letIn();
    await until(() => !server.relay.admitting, 5000, 'the channel to be let in');
    channel.close();
  });

  it('is admitting while a socket is in its first sync (its step 1 not answered), and not once it is answered or gone', async () => {
    server = await startTestServer();
    const alice = await login(server, 'alice');
    const quiet = await connectRelay(server.wsBase, 'job-1001', alice, { waitSynced: false }); // no step 1 sent
    clients.push(quiet);
    await until(() => server.relay.admitting, 5000, 'the socket to be in its first sync');
    quiet.sendStep1();
    await until(() => quiet.synced, 5000, 'the answer to its step 1');
    expect(server.relay.admitting).toBe(false);
    const gone = await connectRelay(server.wsBase, 'job-1001', alice, { waitSynced: false });
    await until(() => server.relay.admitting, 5000, 'the second socket to be in its first sync');
    await gone.close();
    await until(() => !server.relay.admitting, 5000, 'the socket that left to be counted out');
  });

  it('is admitting while a job loads from storage, and not once it is loaded', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'outpost-admitting-'));
    const store = new SlowLoads(join(dataDir, 'outpost.db'));
    server = await startTestServer({ dataDir, store });
    store.holding = true;
    const loading = server.relay.acquire('job-1002');
    await until(() => store.waiting > 0, 5000, 'the load to reach the store');
    expect(server.relay.admitting).toBe(true);
    store.letThrough();
    const room = await loading;
    expect(server.relay.admitting).toBe(false);
    server.relay.release(room);
  });
});
