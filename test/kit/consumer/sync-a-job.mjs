// Runs in an empty project outside the workspace, against the packed @outpost/client: two
// devices in Node (fake-indexeddb for storage, ws for the relay). Alice writes a note in her
// job; Bob's fresh device, which has nothing stored, must get it from the server.
// Usage: node sync-a-job.mjs <serverUrl>. Prints one JSON line with what it saw.
import 'fake-indexeddb/auto';
import WebSocket from 'ws';
import { createOutpost } from '@outpost/client';
import { addNote, readJob, yjsCopiesLoaded } from '@outpost/shared';

const serverUrl = process.argv[2];
const JOB = 'job-1004'; // assigned to alice and bob in the demo seed
const NOTE = { id: 'kit-note-1', author: 'alice', createdAt: new Date().toISOString(), text: 'Installed from the packed kit' };

async function until(what, check, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

async function device(name, user) {
  const engine = createOutpost({ serverUrl, deviceName: name, WebSocket });
  await engine.ready;
  await engine.login(user, 'outpost');
  return engine;
}

const alice = await device('alice-phone', 'alice');
const aliceJob = await alice.openJob(JOB);
await until('alice has the job from the server', () => aliceJob.synced);
addNote(aliceJob.doc, NOTE);

const bob = await device('bob-phone', 'bob');
const bobJob = await bob.openJob(JOB);
await until("alice's note reaches bob through the server", () => readJob(bobJob.doc).notes.some((n) => n.id === NOTE.id));

console.log(JSON.stringify({ note: readJob(bobJob.doc).notes.find((n) => n.id === NOTE.id)?.text, yjsCopies: yjsCopiesLoaded() }));
await alice.destroy();
await bob.destroy();
process.exit(0);
