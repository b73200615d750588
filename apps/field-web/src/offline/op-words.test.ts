import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../dispatcher/CreateJob';
import { describeOp } from './op-words';

describe('outbox item words', () => {
  it('says what each waiting step does, and flags overrides', () => {
    expect(describeOp({ kind: 'transition', to: 'completed' })).toBe('Move to Completed');
    expect(describeOp({ kind: 'transition', to: 'completed', override: true })).toBe('Override: Move to Completed');
    expect(describeOp({ kind: 'cancel' })).toBe('Cancel the job');
    expect(describeOp({ kind: 'assign', assignees: ['alice'] })).toBe('Assign to alice');
    expect(describeOp({ kind: 'assign', assignees: [] })).toBe('Unassign everyone');
  });
});

describe('new job checklist', () => {
  it('reads one item per line, a leading * marking it required, and skips blanks', () => {
    expect(parseChecklist('*Check pressures\n\n Replace filter \n*\n')).toEqual([
      { label: 'Check pressures', required: true },
      { label: 'Replace filter', required: false },
    ]);
  });
});
