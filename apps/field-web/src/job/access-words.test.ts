import { describe, expect, it } from 'vitest';
import type { JobAccess } from '@outpost/client';
import { accessSentence, closedSentence, workWords } from './access-words';

const none = { notes: 0, checklist: 0, photos: 0, signature: 0, time: 0, refrigerant: 0, lineItems: 0, locations: 0 };
const removed = (handover: JobAccess['handover']): JobAccess => ({
  jobId: 'j1',
  title: 'Rooftop unit',
  userId: 'alice',
  reason: 'removed',
  message: 'You were unassigned from this job.',
  learnedAt: '2030-01-01T12:00:00Z',
  removal: { by: { id: 'dana', name: 'Dana Whitfield' }, at: new Date(2030, 0, 1, 11, 5).toISOString() },
  handover,
});

describe('the words for a job one was taken off', () => {
  it('names the work in a person’s words', () => {
    expect(workWords({ ...none, notes: 1, photos: 1 })).toBe('note and photo');
    expect(workWords({ ...none, notes: 2, checklist: 1, photos: 1 })).toBe('2 notes, checklist tick and photo');
  });

  it('says who removed them, when, and that the work went to the office', () => {
    const s = accessSentence(removed({ state: 'sent', handoverId: 'h', summary: { ...none, notes: 1, photos: 1 }, decision: 'parked' }));
    expect(s).toMatch(/^You were removed from this job by Dana at .*11.05.*; your note and photo were sent to the office\.$/);
  });

  it('says what the office decided', () => {
    const s = accessSentence(removed({ state: 'sent', handoverId: 'h', summary: { ...none, notes: 1 }, decision: 'merged' }));
    expect(s).toMatch(/; your note was sent to the office, and the office merged it into the job\.$/);
  });

  it('says why not when the office refused it, and where the work is', () => {
    const s = accessSentence(removed({ state: 'refused', handoverId: 'h', error: { code: 'handover_expired', message: 'too long ago' } }));
    expect(s).toContain('could not be sent to the office (too long ago) and stays on this device');
  });

  it('says why a closed job takes no more changes', () => {
    expect(closedSentence('completed')).toContain('read-only except for notes');
    expect(closedSentence('cancelled')).toContain('read-only');
    expect(closedSentence('in_progress')).toBeNull();
  });
});
