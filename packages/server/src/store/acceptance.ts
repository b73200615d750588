/**
 * The acceptance suites for `Store` adapters (as automerge-repo's `runStorageAdapterTests`),
 * one per part: `runDocLogAcceptance`, `runOpLogAcceptance`, `runDirectoryAcceptance`,
 * `runBlobStoreAcceptance`, and `runStoreAcceptance` for a whole `Store` (all four).
 * Exported as `@outpost/server/testing`; call one from the adapter's test file:
 *
 *   runStoreAcceptance('sqlite', async () => { const dir = …; return { store, cleanup } })
 *
 * Each test gets a fresh, empty store. Needs vitest (an optional peer dependency).
 */
import type { ServerState } from '@outpost/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { BlobStore, Directory, DocLog, JobRecord, OpAttempt, OpLog, OpVerdict, Store } from './store';
import { storedDoc } from './stored-doc';

/** A fresh store (or one part of it) for one test, and how to dispose of it. */
export interface PartFixture<T> {
  store: T;
  cleanup(): Promise<void>;
}

/** A fresh whole `Store` for one test. */
export type StoreFixture = PartFixture<Store>;

/** What the op log suite needs: the op log, and jobs to apply ops to. */
export type OpLogUnderTest = OpLog & Pick<Directory, 'createJob' | 'getJob'>;

/** Gives each test of the enclosing describe a fresh store from `make`, disposed after it. */
function freshEach<T>(make: () => Promise<PartFixture<T>>, use: (store: T) => void): void {
  let fixture: PartFixture<T>;
  beforeEach(async () => {
    fixture = await make();
    use(fixture.store);
  });
  afterEach(async () => {
    await fixture.cleanup();
  });
}

const job = (id: string, over: Partial<JobRecord> = {}): JobRecord => ({
  id,
  title: `Job ${id}`,
  customerId: 'cust-1',
  siteAddress: '1 Main St',
  windowStart: '2030-01-01T09:00:00.000Z',
  windowEnd: '2030-01-01T11:00:00.000Z',
  createdAt: '2030-01-01T00:00:00.000Z',
  status: 'scheduled',
  version: 1,
  assignees: ['alice'],
  changedBy: null,
  changedAt: null,
  ...over,
});

let opCounter = 0;
const attempt = (over: Partial<OpAttempt> = {}): OpAttempt => ({
  opId: `00000000-0000-4000-8000-${String(++opCounter).padStart(12, '0')}`,
  jobId: 'job-1',
  deviceId: 'device-a',
  deviceSeq: 1,
  actor: 'alice',
  kind: 'transition',
  to: 'en_route',
  assignees: null,
  override: false,
  occurredAt: '2030-01-01T09:05:00.000Z',
  receivedAt: '2030-01-01T09:05:01.000Z',
  ...over,
});

const advance = (state: ServerState): OpVerdict => ({
  outcome: 'applied',
  state: { ...state, status: 'en_route', version: state.version + 1, changedBy: 'alice', changedAt: '2030-01-01T09:05:01.000Z' },
  changed: true,
  review: false,
});

function docUpdate(edit: (doc: Y.Doc) => void, base?: Y.Doc): Uint8Array {
  const doc = base ?? new Y.Doc();
  const before = Y.encodeStateVector(doc);
  edit(doc);
  return Y.encodeStateAsUpdate(doc, before);
}

async function loadText(store: DocLog, jobId: string): Promise<string> {
  return storedDoc(await store.loadJobDoc(jobId))
    .getText('t')
    .toString();
}

/** Registers every part's acceptance suite for a whole `Store` adapter. */
export function runStoreAcceptance(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`Store acceptance: ${name}`, () => {
    runDocLogAcceptance(name, makeStore);
    runOpLogAcceptance(name, makeStore);
    runDirectoryAcceptance(name, makeStore);
    runBlobStoreAcceptance(name, makeStore);
  });
}

/** Job docs: appends in one batch across jobs, loads in order, compacts without loss. */
export function runDocLogAcceptance(name: string, make: () => Promise<PartFixture<DocLog>>): void {
  describe(`DocLog acceptance: ${name}`, () => {
    let store: DocLog;
    freshEach(make, (s) => (store = s));

    it('returns an empty doc for a job nobody has written', async () => {
      expect(await store.loadJobDoc('nobody')).toEqual({ snapshot: null, updates: [] });
      expect(await store.countJobUpdates('nobody')).toBe(0);
    });

    it('keeps updates for several jobs appended in one batch, in order', async () => {
      const doc = new Y.Doc();
      const a = docUpdate((d) => d.getText('t').insert(0, 'hello'), doc);
      const b = docUpdate((d) => d.getText('t').insert(5, ' world'), doc);
      const other = docUpdate((d) => d.getText('t').insert(0, 'other'));
      await store.appendUpdates([
        { jobId: 'job-1', update: a },
        { jobId: 'job-2', update: other },
        { jobId: 'job-1', update: b },
      ]);
      expect(await loadText(store, 'job-1')).toBe('hello world');
      expect(await loadText(store, 'job-2')).toBe('other');
      expect(await store.countJobUpdates('job-1')).toBe(2);
      const stored = await store.loadJobDoc('job-1');
      expect(stored.updates.map((u) => [...u])).toEqual([[...a], [...b]]);
    });

    it('compacts a job into a snapshot without changing its content', async () => {
      const doc = new Y.Doc();
      for (let i = 0; i < 5; i++) {
        await store.appendUpdates([{ jobId: 'job-1', update: docUpdate((d) => d.getText('t').insert(i, String(i)), doc) }]);
      }
      await store.compactJobDoc('job-1');
      expect(await store.countJobUpdates('job-1')).toBe(0);
      expect((await store.loadJobDoc('job-1')).snapshot).not.toBeNull();
      expect(await loadText(store, 'job-1')).toBe('01234');
      await store.appendUpdates([{ jobId: 'job-1', update: docUpdate((d) => d.getText('t').insert(5, '5'), doc) }]);
      await store.compactJobDoc('job-1');
      await store.compactJobDoc('job-1');
      expect(await loadText(store, 'job-1')).toBe('012345');
    });

    it('lists the jobs with a log behind their snapshot, each once, until they are compacted', async () => {
      expect(await store.listJobsWithLog()).toEqual([]);
      const doc = new Y.Doc();
      await store.appendUpdates([
        { jobId: 'job-b', update: docUpdate((d) => d.getText('t').insert(0, 'b1'), doc) },
        { jobId: 'job-a', update: docUpdate((d) => d.getText('t').insert(0, 'a')) },
        { jobId: 'job-b', update: docUpdate((d) => d.getText('t').insert(2, 'b2'), doc) },
      ]);
      expect(await store.listJobsWithLog()).toEqual(['job-a', 'job-b']);
      await store.compactJobDoc('job-b');
      expect(await store.listJobsWithLog()).toEqual(['job-a']);
      expect(await loadText(store, 'job-b')).toBe('b1b2');
    });
  });
}

/** The op log: dedupe, per-device ordering, refusals and rejections, one version per op under concurrency. */
export function runOpLogAcceptance(name: string, make: () => Promise<PartFixture<OpLogUnderTest>>): void {
  describe(`OpLog acceptance: ${name}`, () => {
    let store: OpLogUnderTest;
    freshEach(make, (s) => (store = s));

    it('applies an op, bumps the job state and logs it', async () => {
      await store.createJob(job('job-1'));
      const out = await store.applyOp(attempt(), advance);
      expect(out.kind).toBe('recorded');
      const stored = await store.getJob('job-1');
      expect(stored).toMatchObject({ status: 'en_route', version: 2, changedBy: 'alice' });
      const ops = await store.listOps('job-1');
      expect(ops).toHaveLength(1);
      expect(ops[0]).toMatchObject({ seq: 1, outcome: 'applied', status: 'en_route', version: 2, actor: 'alice', deviceSeq: 1 });
    });

    it('lists applied override ops for review until a dispatcher acknowledges them', async () => {
      await store.createJob(job('job-1'));
      await store.applyOp(attempt(), advance);
      await store.applyOp(attempt({ opId: 'op-2', deviceSeq: 2, override: true }), (state) => ({ ...advance(state), review: true }));
      expect((await store.listUnacknowledgedReviews()).map((e) => [e.opId, e.jobId, e.review])).toEqual([['op-2', 'job-1', true]]);
      await store.acknowledgeReview('op-2', 'job-1', 'dana', '2030-01-01T10:00:00.000Z');
      await store.acknowledgeReview('op-2', 'job-1', 'dana', '2030-01-01T10:00:01.000Z');
      expect(await store.listUnacknowledgedReviews()).toEqual([]);
    });

    it('returns the first result for a repeated opId and changes nothing', async () => {
      await store.createJob(job('job-1'));
      const op = attempt();
      const first = await store.applyOp(op, advance);
      let called = false;
      const again = await store.applyOp(op, (s) => {
        called = true;
        return advance(s);
      });
      expect(called).toBe(false);
      expect(again.kind).toBe('duplicate');
      if (first.kind === 'recorded' && again.kind === 'duplicate') expect(again.entry).toEqual(first.entry);
      expect((await store.getJob('job-1'))?.version).toBe(2);
      expect(await store.listOps('job-1')).toHaveLength(1);
      expect(await store.getOp(op.opId)).toMatchObject({ opId: op.opId });
    });

    it('refuses a device op that skips a deviceSeq, and one that reuses a seq', async () => {
      await store.createJob(job('job-1'));
      expect(await store.applyOp(attempt({ deviceSeq: 2 }), advance)).toEqual({ kind: 'out_of_order', expectedSeq: 1 });
      expect((await store.applyOp(attempt({ deviceSeq: 1 }), advance)).kind).toBe('recorded');
      expect(await store.applyOp(attempt({ deviceSeq: 1 }), advance)).toEqual({ kind: 'seq_reused', expectedSeq: 2 });
      expect(await store.applyOp(attempt({ deviceSeq: 3 }), advance)).toEqual({ kind: 'out_of_order', expectedSeq: 2 });
      // Another device has its own sequence.
      expect((await store.applyOp(attempt({ deviceId: 'device-b', deviceSeq: 1 }), advance)).kind).toBe('recorded');
    });

    it("keeps each user's sequence on a device apart: naming someone else's device id consumes none of their numbers", async () => {
      await store.createJob(job('job-1', { assignees: ['alice', 'bob'] }));
      expect((await store.applyOp(attempt({ deviceSeq: 1 }), advance)).kind).toBe('recorded');
      // bob posts under alice's device id with the numbers her device would use next
      expect(await store.applyOp(attempt({ actor: 'bob', deviceSeq: 2 }), advance)).toEqual({ kind: 'out_of_order', expectedSeq: 1 });
      expect((await store.applyOp(attempt({ actor: 'bob', deviceSeq: 1 }), advance)).kind).toBe('recorded');
      expect((await store.applyOp(attempt({ deviceSeq: 2 }), advance)).kind).toBe('recorded');
    });

    it('writes nothing for a refused op and leaves its deviceSeq for the next op', async () => {
      await store.createJob(job('job-1'));
      const out = await store.applyOp(attempt({ actor: 'bob' }), () => ({ outcome: 'refused', code: 'not_assigned', message: 'not yours' }));
      expect(out).toEqual({ kind: 'refused', code: 'not_assigned', message: 'not yours' });
      expect(await store.listOps('job-1')).toEqual([]);
      expect((await store.getJob('job-1'))?.version).toBe(1);
      expect((await store.applyOp(attempt({ actor: 'bob', deviceSeq: 1 }), advance)).kind).toBe('recorded');
    });

    it('stores a rejected op, consumes its deviceSeq and leaves the job unchanged', async () => {
      await store.createJob(job('job-1'));
      const out = await store.applyOp(attempt(), () => ({ outcome: 'rejected', code: 'conflict', message: 'cancelled' }));
      expect(out).toMatchObject({ kind: 'recorded', entry: { outcome: 'rejected', code: 'conflict', status: 'scheduled', version: 1 } });
      expect((await store.getJob('job-1'))?.version).toBe(1);
      expect((await store.applyOp(attempt({ deviceSeq: 2 }), advance)).kind).toBe('recorded');
      expect((await store.listOps('job-1')).map((o) => o.seq)).toEqual([1, 2]);
    });

    it('consumes the deviceSeq of an op for a job that does not exist', async () => {
      expect(await store.applyOp(attempt({ jobId: 'missing' }), advance)).toEqual({ kind: 'job_not_found' });
      expect((await store.applyOp(attempt({ jobId: 'missing', deviceSeq: 2 }), advance)).kind).toBe('job_not_found');
    });

    it('never applies two concurrent ops against the same version', async () => {
      await store.createJob(job('job-1'));
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.applyOp(attempt({ deviceId: `device-${i}`, deviceSeq: 1 }), advance)));
      expect(results.every((r) => r.kind === 'recorded')).toBe(true);
      const ops = await store.listOps('job-1');
      expect(ops.map((o) => o.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
      expect((await store.getJob('job-1'))?.version).toBe(9);
    });
  });
}

/** Users, jobs and reference data: lookups, filters and orderings the server relies on. */
export function runDirectoryAcceptance(name: string, make: () => Promise<PartFixture<Directory>>): void {
  describe(`Directory acceptance: ${name}`, () => {
    let store: Directory;
    freshEach(make, (s) => (store = s));

    it('keeps users and finds them by username', async () => {
      await store.putUser({ id: 'alice', username: 'alice', name: 'Alice', role: 'technician', passwordHash: 'scrypt$a$b' });
      await store.putUser({ id: 'dana', username: 'dana', name: 'Dana', role: 'dispatcher', passwordHash: 'scrypt$c$d' });
      expect(await store.getUserByUsername('alice')).toMatchObject({ id: 'alice', role: 'technician', passwordHash: 'scrypt$a$b' });
      expect(await store.getUser('dana')).toMatchObject({ name: 'Dana' });
      expect(await store.getUser('nobody')).toBeNull();
      expect((await store.listUsers()).map((u) => u.id)).toEqual(['alice', 'dana']);
    });

    it('lists jobs by assignee and overlapping window, ordered by start', async () => {
      await store.createJob(job('job-2', { windowStart: '2030-01-02T09:00:00.000Z', windowEnd: '2030-01-02T10:00:00.000Z' }));
      await store.createJob(job('job-1', { assignees: ['alice', 'bob'] }));
      await store.createJob(job('job-3', { assignees: ['bob'] }));
      await expect(store.createJob(job('job-1'))).rejects.toThrow();
      expect((await store.listJobs()).map((j) => j.id)).toEqual(['job-1', 'job-3', 'job-2']);
      expect((await store.listJobs({ assignee: 'alice' })).map((j) => j.id)).toEqual(['job-1', 'job-2']);
      expect((await store.listJobs({ from: '2030-01-02T00:00:00.000Z', to: '2030-01-03T00:00:00.000Z' })).map((j) => j.id)).toEqual(['job-2']);
      await store.createJob(job('job-4', { customerId: 'cust-2', assignees: ['alice'] }));
      expect((await store.listJobs({ customerId: 'cust-2' })).map((j) => j.id)).toEqual(['job-4']);
      expect((await store.listJobs({ customerId: 'cust-1', assignee: 'alice' })).map((j) => j.id)).toEqual(['job-1', 'job-2']);
      expect((await store.listJobs({ assignee: 'al' })).map((j) => j.id)).toEqual([]);
      expect(await store.getJob('job-1')).toMatchObject({ assignees: ['alice', 'bob'], customerId: 'cust-1' });
    });

    it('finds the highest job number among ids job-N, ignoring other ids', async () => {
      expect(await store.highestJobNumber()).toBe(0);
      for (const id of ['job-1001', 'job-1500', 'job-999', 'job-12x', 'req-9000', 'job-']) await store.createJob(job(id));
      expect(await store.highestJobNumber()).toBe(1500);
    });

    it('leaves out closed jobs whose window ended before `closedAfter`, never open ones', async () => {
      const at = (day: number) => ({ windowStart: `2030-01-${String(day).padStart(2, '0')}T09:00:00.000Z`, windowEnd: `2030-01-${String(day).padStart(2, '0')}T11:00:00.000Z` });
      await store.createJob(job('old-open', { ...at(1), status: 'on_hold' }));
      await store.createJob(job('old-done', { ...at(2), status: 'completed' }));
      await store.createJob(job('old-cancelled', { ...at(3), status: 'cancelled' }));
      await store.createJob(job('new-done', { ...at(10), status: 'completed' }));
      await store.createJob(job('ahead-cancelled', { ...at(20), status: 'cancelled' }));
      await store.createJob(job('ahead', at(21)));
      const closedAfter = '2030-01-05T00:00:00.000Z';
      expect((await store.listJobs({ closedAfter })).map((j) => j.id)).toEqual(['old-open', 'new-done', 'ahead-cancelled', 'ahead']);
      expect((await store.listJobs({ closedAfter, assignee: 'bob' })).map((j) => j.id)).toEqual([]);
      expect(await store.listJobs()).toHaveLength(6);
    });

    it("moves a job's window (a reschedule) and lists it in its new place", async () => {
      await store.createJob(job('job-1'));
      await store.createJob(job('job-2', { windowStart: '2030-01-02T09:00:00.000Z', windowEnd: '2030-01-02T10:00:00.000Z' }));
      expect(await store.setJobWindow('job-1', '2030-01-03T13:00:00.000Z', '2030-01-03T15:00:00.000Z')).toBe(true);
      expect(await store.setJobWindow('job-404', '2030-01-03T13:00:00.000Z', '2030-01-03T15:00:00.000Z')).toBe(false);
      expect(await store.getJob('job-1')).toMatchObject({ windowStart: '2030-01-03T13:00:00.000Z', windowEnd: '2030-01-03T15:00:00.000Z' });
      expect((await store.listJobs()).map((j) => j.id)).toEqual(['job-2', 'job-1']);
    });

    it('keeps customers, equipment and the pricebook', async () => {
      await store.putCustomer({ id: 'c2', name: 'B', phone: '2', email: 'b@x', address: 'B st' });
      await store.putCustomer({ id: 'c1', name: 'A', phone: '1', email: 'a@x', address: 'A st' });
      expect(await store.getCustomer('c1')).toMatchObject({ name: 'A' });
      expect((await store.listCustomers(['c2'])).map((c) => c.id)).toEqual(['c2']);
      expect((await store.listCustomers()).map((c) => c.id)).toEqual(['c1', 'c2']);
      const eq = { customerId: 'c1', kind: 'rtu', make: 'Carrier', model: 'X', serial: 'S', refrigerant: 'R-410A' };
      await store.putEquipment({ id: 'e1', jobIds: ['job-1'], ...eq });
      await store.putEquipment({ id: 'e2', jobIds: ['job-2'], ...eq });
      expect((await store.listEquipment({ jobId: 'job-2' })).map((e) => e.id)).toEqual(['e2']);
      expect((await store.listEquipment({ customerId: 'c1' })).map((e) => e.id)).toEqual(['e1', 'e2']);
      await store.putEquipment({ id: 'e3', jobIds: ['job-3', 'job-1'], ...eq, customerId: 'c2' });
      expect((await store.listEquipment({ jobIds: ['job-1', 'job-9'] })).map((e) => e.id)).toEqual(['e1', 'e3']);
      expect((await store.listEquipment({ jobIds: [] })).map((e) => e.id)).toEqual([]);
      expect((await store.listEquipment({ jobIds: ['job-1'], customerId: 'c2' })).map((e) => e.id)).toEqual(['e3']);
      expect((await store.listEquipment({ ids: ['e3', 'e9'] })).map((e) => e.id)).toEqual(['e3']);
      expect((await store.listCustomers([])).map((c) => c.id)).toEqual([]);
      await store.putPricebookItems([
        { id: 'p2', sku: 'B', description: 'Filter', unitPriceCents: 1200, category: 'parts' },
        { id: 'p1', sku: 'A', description: 'Labor', unitPriceCents: 9500, category: 'labor' },
      ]);
      expect((await store.listPricebook()).map((p) => p.id)).toEqual(['p1', 'p2']);
    });

    it('searches customers and the whole pricebook a page at a time, by id, in any case', async () => {
      for (const [id, name] of [
        ['c3', 'Harbor Dental'],
        ['c1', 'Harbor Grill'],
        ['c2', 'Maple Court'],
        ['c4', 'HARBOR Marine'],
      ]) {
        await store.putCustomer({ id: id!, name: name!, phone: '555', email: `${id}@x`, address: 'Wharf St', notes: 'Gate 4411' });
      }
      const first = await store.searchCustomers({ q: 'harbor', limit: 2 });
      expect(first.map((c) => c.id)).toEqual(['c1', 'c3']);
      expect((await store.searchCustomers({ q: 'harbor', after: 'c3', limit: 2 })).map((c) => c.id)).toEqual(['c4']);
      expect((await store.searchCustomers({ q: 'c2@X', limit: 10 })).map((c) => c.id)).toEqual(['c2']);
      expect((await store.searchCustomers({ q: '', limit: 10 })).map((c) => c.id)).toEqual(['c1', 'c2', 'c3', 'c4']);
      expect(await store.searchCustomers({ q: 'gate', limit: 10 })).toEqual([]); // notes are not searched
      expect(await store.searchCustomers({ q: "%' OR 1=1 --", limit: 10 })).toEqual([]);
      await store.putPricebookItems([
        { id: 'p1', sku: 'LAB-1', description: 'Labor', unitPriceCents: 9500, category: 'labor' },
        { id: 'p2', sku: 'SPO-1', description: 'Compressor, scroll 3 ton', unitPriceCents: 148000, category: 'special order', active: false },
      ]);
      expect(await store.searchPricebook({ q: 'COMPRESSOR', limit: 5 })).toEqual([expect.objectContaining({ id: 'p2', active: false })]);
      expect((await store.searchPricebook({ q: 'lab', limit: 5 })).map((p) => p.id)).toEqual(['p1']);
    });
  });
}

/** Blobs: stored once by sha256, read back byte for byte, every uploader remembered. */
export function runBlobStoreAcceptance(name: string, make: () => Promise<PartFixture<BlobStore>>): void {
  describe(`BlobStore acceptance: ${name}`, () => {
    let store: BlobStore;
    freshEach(make, (s) => (store = s));

    it('stores a blob once and returns its bytes and type', async () => {
      const sha = 'a'.repeat(64);
      expect(await store.putBlob(sha, { bytes: new Uint8Array([1, 2, 3]), contentType: 'image/jpeg' })).toBe(true);
      expect(await store.putBlob(sha, { bytes: new Uint8Array([1, 2, 3]), contentType: 'image/jpeg' })).toBe(false);
      const blob = await store.getBlob(sha);
      expect(blob && [...blob.bytes]).toEqual([1, 2, 3]);
      expect(blob?.contentType).toBe('image/jpeg');
      expect(await store.getBlob('b'.repeat(64))).toBeNull();
      expect(await store.hasBlob(sha)).toBe(true);
      expect(await store.hasBlob('b'.repeat(64))).toBe(false);
    });

    it('remembers every uploader of a blob, the first and the later ones', async () => {
      const sha = 'c'.repeat(64);
      expect(await store.putBlob(sha, { bytes: new Uint8Array([4]), contentType: 'image/png' }, 'alice')).toBe(true);
      expect(await store.putBlob(sha, { bytes: new Uint8Array([4]), contentType: 'image/png' }, 'bob')).toBe(false);
      expect(await store.blobUploadedBy(sha, 'alice')).toBe(true);
      expect(await store.blobUploadedBy(sha, 'bob')).toBe(true);
      expect(await store.blobUploadedBy(sha, 'carol')).toBe(false);
      expect(await store.blobUploadedBy('d'.repeat(64), 'alice')).toBe(false);
    });
  });
}
