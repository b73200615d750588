/**
 * The SQLite log writer's worker (log-writer.ts): its code, plain CommonJS evaluated in the
 * worker (`eval: true`), so it runs the same from src under tsx and vitest and from the
 * built package. `driver` is better-sqlite3's resolved path.
 *
 * A request is a list of parts (appends and snapshots, in the order they were made) run in
 * ONE transaction: one fsync for everything that queued while the previous one committed.
 * Each part runs in its own savepoint, so a failing part fails alone.
 *
 * The connection never checkpoints on its own (`wal_autocheckpoint = 0`): a checkpoint
 * inside a commit held every ack behind its fsyncs of the WAL and the database file.
 * `WalCheckpointer` runs them on its own connection and thread, beside the appends; but a
 * checkpoint lets the WAL start over only if nothing was appended while it ran, which under
 * steady writes never happens, and the WAL grew without bound. So once it is long, a
 * request comes marked `checkpoint`: it is answered first, then this worker checkpoints
 * before it takes the next request, and that next commit writes the WAL from its start.
 */
import { JOB_LOG_SQL } from './job-log-sql';

export const WORKER_SOURCE = `
const SQL = ${JSON.stringify(JOB_LOG_SQL)};
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('wal_autocheckpoint = 0');
const insert = db.prepare(SQL.append);
const markStart = db.prepare(SQL.markStart);
const putSnapshot = db.prepare(SQL.putSnapshot);
const endLog = db.prepare(SQL.endLog);
const trimHead = db.prepare(SQL.trimHead);
const buf = (u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
// A batch's updates arrive end to end in one buffer, each naming its job by index (see \`pack\`).
// A job's start is offered once per batch, with its first row: a later row of the same job
// would be ignored anyway (the start exists by then). Under load batches grow, and with
// them the updates that share a job.
const append = db.transaction((jobs, jobOf, bytes, lengths) => {
  const started = new Uint8Array(jobs.length);
  let at = bytes.byteOffset;
  for (let i = 0; i < lengths.length; i++) {
    const job = jobOf[i];
    const row = insert.run(jobs[job], Buffer.from(bytes.buffer, at, lengths[i])).lastInsertRowid;
    if (started[job] === 0) {
      started[job] = 1;
      markStart.run(jobs[job], row);
    }
    at += lengths[i];
  }
});
// The loaded doc holds every stored update of its job (see Store), so its encoding replaces
// the log up to now; parts run in order, so no append made after it is dropped.
const snapshot = db.transaction((jobId, snap, stateVector) => {
  putSnapshot.run(jobId, buf(snap), buf(stateVector));
  endLog.run(jobId);
  trimHead.run();
});
const failure = (err) => ({ ok: false, message: String((err && err.message) || err), code: err && err.code });
// Nested in \`all\`, each part's transaction is a savepoint.
const all = db.transaction((parts) =>
  parts.map((p) => {
    try {
      if (p.kind === 'append') append(p.jobs, p.jobOf, p.bytes, p.lengths);
      else if (p.kind === 'snapshot') snapshot(p.jobId, p.snapshot, p.stateVector);
      else throw new Error('unknown request ' + p.kind);
      return { ok: true };
    } catch (err) {
      return failure(err);
    }
  }),
);
// Answers go on their own port, each counted in shared memory as it is posted: the event
// loop may be waiting on that count to take the answer in the turn that asked (log-writer.ts).
const answers = workerData.answers;
const answered = new Int32Array(workerData.answered);
function answer(message) {
  answers.postMessage(message);
  Atomics.add(answered, 0, 1);
  Atomics.notify(answered, 0);
}
parentPort.on('message', (m) => {
  if (m.kind === 'close') {
    db.close();
    answer({ id: m.id, ok: true });
    parentPort.close();
    return;
  }
  try {
    answer({ id: m.id, ok: true, parts: all(m.parts) });
  } catch (err) {
    answer({ id: m.id, ...failure(err) });
  }
  if (m.checkpoint) checkpoint();
});
// After the answer, before the next request: the acks waiting on this commit do not wait for it.
function checkpoint() {
  const start = performance.now();
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    answer({ checkpoint: { ok: true, seconds: (performance.now() - start) / 1000, walFrames: result.log } });
  } catch (err) {
    // A failed checkpoint leaves the WAL longer; the next one tries again.
    answer({ checkpoint: failure(err) });
  }
}
`;
