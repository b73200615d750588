import { describe, expect, it } from 'vitest';
import type { UnsentBlob } from '../blobs/blob-queue';
import { changesIn, listContentChanges, type ChangeRecord } from './change-list';

const sha = 'a'.repeat(64);
const at = (m: number) => `2026-11-26T10:${String(m).padStart(2, '0')}:00.000Z`;

describe('listing content changes', () => {
  it('lists each thing changed once, in the words of the screen, oldest first', () => {
    const records: ChangeRecord[] = [
      { jobId: 'j1', change: 'c1', target: 'notes/n1', at: at(1) },
      { jobId: 'j1', change: 'c1', target: 'notes/n1', at: at(1) },
      { jobId: 'j1', change: 'c2', target: 'checklist/k1', at: at(2) },
      { jobId: 'j1', change: 'c3', target: 'time/t1', at: at(3) },
      { jobId: 'j1', change: 'c4', target: 'refrigerant/r1', at: at(4) },
      { jobId: 'j1', change: 'c5', target: 'lineItems/l1', at: at(5) },
      // The clock stopped after other work: a new burst, the same time entry.
      { jobId: 'j1', change: 'c6', target: 'time/t1', at: at(6) },
    ];
    expect(listContentChanges(records, []).map((c) => c.words)).toEqual(['Note written', 'Item ticked', 'Time logged', 'Refrigerant logged', 'Line item added']);
  });

  it('lists every change a merged pending record holds, not only its newest', () => {
    const merged: ChangeRecord = {
      jobId: 'j1',
      change: 'c2',
      target: 'checklist/k1',
      at: at(2),
      changes: [
        ['c1', 'notes/n1'],
        ['c2', 'checklist/k1'],
      ],
    };
    expect(listContentChanges(changesIn(merged), []).map((c) => c.words)).toEqual(['Note written', 'Item ticked']);
  });

  it('counts a photo or a signature with its upload as one change, pending while either half is', () => {
    const photo: UnsentBlob = { sha256: sha, jobId: 'j1', role: 'photo', mime: 'image/png', state: 'queued', createdAt: at(1) };
    const signature: UnsentBlob = { sha256: 'b'.repeat(64), jobId: 'j1', role: 'signature', mime: 'image/png', state: 'queued', createdAt: at(3) };
    const records: ChangeRecord[] = [
      { jobId: 'j1', change: 'c1', target: `photos/${sha}`, at: at(1) },
      { jobId: 'j1', change: 'c2', target: 'signature', at: at(3) },
    ];
    expect(listContentChanges(records, [photo, signature]).map((c) => [c.words, c.state])).toEqual([
      ['Photo added', 'pending'],
      ['Signature', 'pending'],
    ]);
    // The doc side is durable; the bytes are not yet up: still one pending photo.
    expect(listContentChanges([], [photo]).map((c) => c.key)).toEqual([`photo:${sha}`]);
    expect(listContentChanges(records, []).map((c) => c.key)).toEqual([`photo:${sha}`, 'signature:j1']);
  });

  it('lists a refused photo as failed with the server reason, and the changes of a refused job as failed', () => {
    const refused: UnsentBlob = {
      sha256: sha,
      jobId: 'j1',
      role: 'photo',
      mime: 'application/pdf',
      state: 'failed',
      createdAt: at(1),
      error: { code: 'unsupported_media_type', message: 'Send blobs as image/* or application/octet-stream.', kind: 'permanent' },
    };
    const [photo] = listContentChanges([], [refused]);
    expect(photo).toMatchObject({ words: 'Photo added', state: 'failed', error: { kind: 'permanent', message: 'Send blobs as image/* or application/octet-stream.' } });
    const [note] = listContentChanges([{ jobId: 'j2', change: 'c9', target: 'notes/n9', at: at(2) }], [], new Map([['j2', 'no longer assigned']]));
    expect(note).toMatchObject({ state: 'failed', error: { message: 'no longer assigned' } });
  });
});
