import { describe, expect, it } from 'vitest';
import { newestKnown, projectStatus } from './projected-status';

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
