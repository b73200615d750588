import { addNote, readJob } from '@outpost/shared';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from './support/child';
import { connectRelay, type RelayClient } from './support/relay-client';
import { login, until } from './support/server';

describe('durability across a killed process', () => {
  let dataDir: string;
  const processes: ServerProcess[] = [];
  const clients: RelayClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const p of processes.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acked update when the server is killed with SIGKILL right after the acks', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'outpost-kill-'));
    const first = await spawnServer(dataDir);
    processes.push(first);
    const client = await connectRelay(first.wsBase, 'job-1001', await login(first, 'alice'));
    clients.push(client);
    // Message 1 was sync step 2; note i goes out as message i + 1. Keep sending while acks
    // arrive, and kill the moment the 40th note's ack lands, with later notes in flight.
    let killedAt = 0;
    for (let i = 1; i <= 200 && killedAt === 0; i++) {
      client.edit((d) => addNote(d, { id: `n${i}`, author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: `note ${i}` }));
      if (client.ackedUpTo >= 41) {
        killedAt = client.ackedUpTo;
        first.child.kill('SIGKILL');
      }
      await new Promise((r) => setImmediate(r));
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    if (killedAt === 0) {
      await until(() => client.ackedUpTo >= 41, 10_000, 'acks');
      killedAt = client.ackedUpTo;
      first.child.kill('SIGKILL');
    }
    expect(await first.exited).toBe('SIGKILL');
    const acked = Math.max(killedAt, client.ackedUpTo) - 1;

    const second = await spawnServer(dataDir);
    processes.push(second);
    const reader = await connectRelay(second.wsBase, 'job-1001', await login(second, 'alice'));
    clients.push(reader);
    const ids = new Set(readJob(reader.doc).notes.map((n) => n.id));
    const missing = Array.from({ length: acked }, (_, i) => `n${i + 1}`).filter((id) => !ids.has(id));
    expect(missing).toEqual([]);
    expect(readJob(reader.doc).meta.title).toBe('Rooftop unit not cooling');
  });

  it('flushes pending updates and exits cleanly on SIGTERM', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'outpost-term-'));
    const first = await spawnServer(dataDir);
    processes.push(first);
    const token = await login(first, 'alice');
    const writer = await connectRelay(first.wsBase, 'job-1001', token);
    const watcher = await connectRelay(first.wsBase, 'job-1001', token);
    clients.push(writer, watcher);
    for (let i = 1; i <= 20; i++) writer.edit((d) => addNote(d, { id: `t${i}`, author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: `t${i}` }));
    await until(() => readJob(watcher.doc).notes.length === 20, 5000, 'relay');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(writer.closeCode).toBe(1001);
    const second = await spawnServer(dataDir);
    processes.push(second);
    const reader = await connectRelay(second.wsBase, 'job-1001', await login(second, 'alice'));
    clients.push(reader);
    expect(
      readJob(reader.doc)
        .notes.map((n) => n.id)
        .sort(),
    ).toEqual(Array.from({ length: 20 }, (_, i) => `t${i + 1}`).sort());
  });
});
