import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addChecklistItem, addNote, setChecklistDone } from './content';
import { jobRoots, newJobDoc, readJob, readJobFacts } from './doc';

describe('reading a job document', () => {
  it('skips entries of the wrong shape instead of failing the whole job', () => {
    const doc = newJobDoc('job-1');
    addNote(doc, { id: 'n1', author: 'alice', createdAt: 't', text: 'Replaced capacitor' });
    addChecklistItem(doc, { id: 'c1', label: 'Check refrigerant', required: true });
    const r = jobRoots(doc) as unknown as Record<string, Y.Array<unknown>>;
    // what a hostile or buggy device could push into any content list
    r.notes!.push([42]);
    r.checklist!.push(['done']);
    r.lineItems!.push([null]);
    r.locations!.push(['here', new Y.Map()]);
    const job = readJob(doc);
    expect(job.notes.map((n) => n.text)).toEqual(['Replaced capacitor']);
    expect(job.checklist.map((c) => c.id)).toEqual(['c1']);
    expect(job.lineItems).toEqual([]);
    expect(job.locations).toEqual([]);
    expect(readJobFacts(doc)).toEqual({ openRequired: ['Check refrigerant'], hasSignature: false, signatureBlob: null });
    expect(setChecklistDone(doc, 'c1', true, 'alice', 't')).toBe(true);
    expect(readJobFacts(doc).openRequired).toEqual([]);
  });
});
