import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { committedUpdateEvent } from './relay';

function keystrokes(n: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < n; i++) doc.getText('notes').insert(i, String(i % 10));
  return { doc, updates };
}

describe('the bus event of one commit', () => {
  it('gives another node every keystroke of the commit as one update', () => {
    const { doc, updates } = keystrokes(5);
    const event = committedUpdateEvent('job-1', 'n1', updates);
    expect(event).toMatchObject({ kind: 'update', jobId: 'job-1', node: 'n1' });
    const other = new Y.Doc();
    Y.applyUpdate(other, (event as { update: Uint8Array }).update);
    expect(other.getText('notes').toString()).toBe(doc.getText('notes').toString());
  });

  it('passes a lone update through as it is and gives the same bytes on every read', () => {
    const { updates } = keystrokes(1);
    const single = committedUpdateEvent('job-1', 'n1', updates) as { update: Uint8Array };
    expect(single.update).toBe(updates[0]);
    const many = committedUpdateEvent('job-1', 'n1', keystrokes(3).updates) as { update: Uint8Array };
    expect(many.update).toBe(many.update);
  });
});
