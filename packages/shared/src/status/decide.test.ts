import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JOB_STATUSES, type JobStatus } from '../job/schema';
import { OP_KINDS, type OpIntent } from '../ops/op';
import { decide, type Actor, type WorkflowState } from './decide';
import { findTransition, ROLES, TRANSITIONS } from './machine';

const status = fc.constantFrom(...JOB_STATUSES);
const people = fc.constantFrom('alice', 'bob', 'dana');
const job: fc.Arbitrary<WorkflowState> = fc.record({
  status,
  version: fc.nat(1000),
  assignees: fc.uniqueArray(people, { maxLength: 3 }),
});
const op: fc.Arbitrary<OpIntent> = fc.record(
  {
    kind: fc.constantFrom(...OP_KINDS),
    to: status,
    assignees: fc.uniqueArray(people, { maxLength: 3 }),
    override: fc.boolean(),
  },
  { requiredKeys: ['kind'] },
);
const actor: fc.Arbitrary<Actor> = fc.record({ userId: people, role: fc.constantFrom(...ROLES) });
const facts = fc.record({ openRequired: fc.array(fc.constantFrom('Filter', 'Data plate'), { maxLength: 2 }), hasSignature: fc.boolean() });

const ready = { openRequired: [], hasSignature: true };
const bobsJob = (s: JobStatus): WorkflowState => ({ status: s, version: 3, assignees: ['bob'] });
const bob: Actor = { userId: 'bob', role: 'technician' };
const dana: Actor = { userId: 'dana', role: 'dispatcher' };

describe('status machine', () => {
  it('never applies a status change outside the transition table unless it is an override flagged for review', () => {
    fc.assert(
      fc.property(job, op, actor, facts, (j, o, a, f) => {
        const d = decide(j, o, a, f);
        if (d.outcome !== 'applied' || !d.changed || o.kind === 'assign') return;
        const inTable = findTransition(j.status, d.status, a.role) !== undefined;
        if (o.override !== true) expect(inTable).toBe(true);
        expect(d.review).toBe(!inTable);
        expect(d.version).toBe(j.version + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('decides the same way every time for the same inputs', () => {
    fc.assert(
      fc.property(job, op, actor, facts, (j, o, a, f) => {
        expect(decide(j, o, a, f)).toEqual(decide(structuredClone(j), structuredClone(o), { ...a }, structuredClone(f)));
      }),
      { numRuns: 1000 },
    );
  });

  it('lets only dispatchers assign, cancel and reopen, and technicians act only on their own jobs', () => {
    fc.assert(
      fc.property(job, op, actor, facts, (j, o, a, f) => {
        const d = decide(j, o, a, f);
        if (d.outcome !== 'applied' || !d.changed) return;
        if (a.role === 'technician') {
          expect(j.assignees).toContain(a.userId);
          expect(o.kind === 'assign' || d.status === 'cancelled').toBe(false);
        }
        if (d.status === 'completed' && j.status !== 'completed') {
          expect(f.openRequired).toHaveLength(0);
          expect(f.hasSignature).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('every table row is reachable by the roles it names', () => {
    for (const t of TRANSITIONS) {
      for (const role of t.roles) {
        const a: Actor = { userId: 'bob', role };
        const d = decide(bobsJob(t.from), { kind: 'transition', to: t.to }, a, ready);
        expect(d).toMatchObject({ outcome: 'applied', status: t.to, changed: true, review: false });
      }
    }
  });

  it('moves a job along the technician path to completed', () => {
    let state = bobsJob('scheduled');
    for (const to of ['en_route', 'on_site', 'in_progress', 'on_hold', 'in_progress', 'completed'] as const) {
      const d = decide(state, { kind: 'transition', to }, bob, ready);
      if (d.outcome !== 'applied') throw new Error(d.message);
      state = { status: d.status, version: d.version, assignees: d.assignees };
    }
    expect(state).toEqual({ status: 'completed', version: 9, assignees: ['bob'] });
  });

  it('refuses to complete with required checklist items open or without a signature', () => {
    const open = decide(bobsJob('in_progress'), { kind: 'transition', to: 'completed' }, bob, { openRequired: ['Filter'], hasSignature: true });
    expect(open).toMatchObject({ outcome: 'rejected', code: 'guard_failed', message: '1 required checklist item is not done: Filter.' });
    const unsigned = decide(bobsJob('in_progress'), { kind: 'transition', to: 'completed' }, bob, { openRequired: [], hasSignature: false });
    expect(unsigned).toMatchObject({ outcome: 'rejected', code: 'guard_failed' });
  });

  it("refuses to complete when the server has no bytes for the signature's image", () => {
    const facts = { openRequired: [], hasSignature: true, signatureBlob: 'not-a-real-blob', signatureStored: false };
    const fake = decide(bobsJob('in_progress'), { kind: 'transition', to: 'completed' }, bob, facts);
    expect(fake).toMatchObject({ outcome: 'rejected', code: 'guard_failed', message: "The signature's image is not on the server." });
    expect(decide(bobsJob('in_progress'), { kind: 'transition', to: 'completed' }, bob, { ...facts, signatureStored: true }).outcome).toBe('applied');
  });

  it('answers a conflict when a technician completes a job the dispatcher cancelled, and applies the override for review', () => {
    const plain = decide(bobsJob('cancelled'), { kind: 'transition', to: 'completed' }, bob, ready);
    expect(plain).toMatchObject({ outcome: 'rejected', code: 'conflict' });
    const override = decide(bobsJob('cancelled'), { kind: 'transition', to: 'completed', override: true }, bob, ready);
    expect(override).toMatchObject({ outcome: 'applied', status: 'completed', review: true, version: 4 });
  });

  it('keeps technicians out of jobs not assigned to them and out of dispatcher moves', () => {
    expect(decide(bobsJob('scheduled'), { kind: 'transition', to: 'en_route' }, { userId: 'alice', role: 'technician' }, ready)).toMatchObject({
      code: 'not_assigned',
    });
    expect(decide(bobsJob('scheduled'), { kind: 'cancel' }, bob, ready)).toMatchObject({ code: 'forbidden' });
    expect(decide(bobsJob('scheduled'), { kind: 'assign', assignees: ['bob'] }, bob, ready)).toMatchObject({ code: 'forbidden' });
    expect(decide(bobsJob('scheduled'), { kind: 'transition', to: 'cancelled', override: true }, bob, ready)).toMatchObject({ code: 'forbidden' });
  });

  it("never lets an override make a move the table keeps for another role (a technician's reopen)", () => {
    expect(decide(bobsJob('cancelled'), { kind: 'reopen', override: true }, bob, ready)).toMatchObject({ outcome: 'rejected', code: 'forbidden' });
    expect(decide(bobsJob('cancelled'), { kind: 'transition', to: 'scheduled', override: true }, bob, ready)).toMatchObject({ code: 'forbidden' });
    expect(decide(bobsJob('completed'), { kind: 'transition', to: 'in_progress', override: true }, bob, ready)).toMatchObject({ code: 'forbidden' });
    fc.assert(
      fc.property(job, op, facts, (j, o, f) => {
        const d = decide(j, o, bob, f);
        if (d.outcome !== 'applied' || !d.changed || o.kind === 'assign') return;
        expect(o.kind).not.toBe('reopen');
        const inTableForSomeone = TRANSITIONS.some((t) => t.from === j.status && t.to === d.status);
        if (inTableForSomeone) expect(findTransition(j.status, d.status, 'technician')).toBeDefined();
      }),
      { numRuns: 2000 },
    );
  });

  it("answers a conflict, not a refusal, when a technician's own move meets a job that moved on to where only the office may take it further", () => {
    // Turned back offline (En route → Scheduled) while the office cancelled: Cancelled → Scheduled is the office's reopen.
    const turnBack = decide(bobsJob('cancelled'), { kind: 'transition', to: 'scheduled' }, bob, ready);
    expect(turnBack).toMatchObject({ outcome: 'rejected', code: 'conflict' });
    // Resumed offline (On hold → In progress) while the job was completed: Completed → In progress is the office's reopen.
    expect(decide(bobsJob('completed'), { kind: 'transition', to: 'in_progress' }, bob, ready)).toMatchObject({ outcome: 'rejected', code: 'conflict' });
    // Keep mine (the override) still cannot make the office's move.
    expect(decide(bobsJob('cancelled'), { kind: 'transition', to: 'scheduled', override: true }, bob, ready)).toMatchObject({ code: 'forbidden' });
    // Any move a technician's buttons offer, arriving at any later state, is applied or a conflict to decide: never a refusal.
    fc.assert(
      fc.property(status, status, (seen, now) => {
        for (const t of TRANSITIONS.filter((m) => m.from === seen && m.roles.includes('technician'))) {
          const d = decide(bobsJob(now), { kind: 'transition', to: t.to }, bob, ready);
          if (d.outcome === 'rejected') expect(['conflict', 'guard_failed']).toContain(d.code);
        }
      }),
    );
  });

  it('lets the dispatcher cancel, reopen and reassign', () => {
    expect(decide(bobsJob('on_site'), { kind: 'cancel' }, dana, ready)).toMatchObject({ outcome: 'applied', status: 'cancelled' });
    expect(decide(bobsJob('cancelled'), { kind: 'reopen' }, dana, ready)).toMatchObject({ outcome: 'applied', status: 'scheduled' });
    expect(decide(bobsJob('completed'), { kind: 'reopen' }, dana, ready)).toMatchObject({ outcome: 'applied', status: 'in_progress' });
    expect(decide(bobsJob('on_site'), { kind: 'reopen' }, dana, ready)).toMatchObject({ outcome: 'rejected', code: 'conflict' });
    expect(decide(bobsJob('on_site'), { kind: 'assign', assignees: ['alice', 'alice'] }, dana, ready)).toMatchObject({
      outcome: 'applied',
      assignees: ['alice'],
      version: 4,
    });
  });

  it('treats a move to where the job already is as applied without a new version', () => {
    expect(decide(bobsJob('on_site'), { kind: 'transition', to: 'on_site' }, bob, ready)).toMatchObject({ outcome: 'applied', changed: false, version: 3 });
  });
});

describe('requests from the field', () => {
  const request = { title: 'Quote: new compressor', description: '', photoIds: [], equipmentIds: [] };
  it('lets a technician on the job raise a request without moving the job', () => {
    expect(decide(bobsJob('in_progress'), { kind: 'request', request }, bob, ready)).toMatchObject({ outcome: 'applied', status: 'in_progress', version: 3, changed: false });
    expect(decide({ ...bobsJob('in_progress'), assignees: ['alice'] }, { kind: 'request', request }, bob, ready)).toMatchObject({ outcome: 'rejected', code: 'not_assigned' });
  });

  it('schedules a requested job only from the office and only once someone is assigned', () => {
    const requested: WorkflowState = { status: 'requested', version: 1, assignees: [] };
    expect(decide(requested, { kind: 'transition', to: 'scheduled' }, dana, ready)).toMatchObject({ outcome: 'rejected', code: 'guard_failed' });
    expect(decide({ ...requested, assignees: ['bob'] }, { kind: 'transition', to: 'scheduled' }, dana, ready)).toMatchObject({
      outcome: 'applied',
      status: 'scheduled',
      version: 2,
    });
    expect(decide({ ...requested, assignees: ['bob'] }, { kind: 'transition', to: 'scheduled' }, bob, ready)).toMatchObject({ outcome: 'rejected', code: 'conflict' });
    expect(decide({ ...requested, assignees: ['bob'] }, { kind: 'transition', to: 'scheduled', override: true }, bob, ready)).toMatchObject({
      outcome: 'rejected',
      code: 'forbidden',
    });
    expect(decide(requested, { kind: 'cancel' }, dana, ready)).toMatchObject({ outcome: 'applied', status: 'cancelled' });
  });
});
