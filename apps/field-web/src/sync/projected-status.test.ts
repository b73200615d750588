import { describe, expect, it } from 'vitest';
import { projectStatus } from './projected-status';

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
