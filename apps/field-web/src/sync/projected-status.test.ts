import { describe, expect, it } from 'vitest';
import { newestKnown, newestState, projectStatus } from './projected-status';

describe('status shown while ops wait in the outbox', () => {
  it('shows the job in progress right after the technician taps through offline', () => {
    const ops = [
      { kind: 'transition' as const, to: 'on_site' as const },
      { kind: 'transition' as const, to: 'in_progress' as const },
    ];
    expect(projectStatus('en_route', ops)).toBe('in_progress');
  });

  it('shows the server status when nothing is waiting, and follows cancel and reopen', () => {
    expect(projectStatus('scheduled', [])).toBe('scheduled');
    expect(projectStatus('on_site', [{ kind: 'cancel' }])).toBe('cancelled');
    expect(projectStatus('completed', [{ kind: 'reopen' }])).toBe('in_progress');
    expect(projectStatus('on_site', [{ kind: 'assign' }])).toBe('on_site');
  });
});

describe('status on the job list between priming runs', () => {
  it('prefers the answer to my own applied op over an older cached status', () => {
    expect(newestKnown({ status: 'scheduled', version: 1 }, [{ status: 'en_route', version: 2 }])).toBe('en_route');
  });

  it('keeps the cache when it is newer than any answer', () => {
    expect(newestKnown({ status: 'cancelled', version: 5 }, [{ status: 'en_route', version: 2 }, undefined])).toBe('cancelled');
  });
});

describe('assignees on the dispatcher board between polls', () => {
  it('takes the assignees from the answer to my last assign when the board copy is older', () => {
    const board = { status: 'scheduled', version: 1, assignees: ['bob'] };
    const answer = { status: 'scheduled', version: 2, assignees: ['bob', 'alice'] };
    expect(newestState(board, [answer]).assignees).toEqual(['bob', 'alice']);
    expect(newestState({ ...board, version: 3, assignees: ['alice'] }, [answer, undefined]).assignees).toEqual(['alice']);
  });
});
