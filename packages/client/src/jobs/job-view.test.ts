import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import * as shared from '@outpost/shared';
import { JobView, type JobRootName } from './job-view';

// Counts how often the doc is read, whole or per root.
vi.mock('@outpost/shared', async (original) => {
  const real = await original<typeof import('@outpost/shared')>();
  return { ...real, readJob: vi.fn(real.readJob), readJobRoot: vi.fn(real.readJobRoot) };
});
const { addChecklistItem, addNote, newJobDoc, noteText, readJob, setChecklistDone } = shared;

/** The job screen's readers: the screen itself (the whole job) and its seven sections. */
const SECTIONS: JobRootName[] = ['checklist', 'notes', 'photos', 'signature', 'time', 'refrigerant', 'lineItems'];

function jobOnScreen() {
  const doc = newJobDoc('job-1');
  addNote(doc, { id: 'n1', author: 'alice', createdAt: '2026-11-26T09:00:00Z', text: 'Coil' });
  addChecklistItem(doc, { id: 'c1', label: 'Check filter', required: true });
  const view = JobView.of(doc);
  const renders = { screen: 0, sections: 0 };
  view.subscribe(() => renders.screen++);
  const sections = SECTIONS.map((root) => view.root(root));
  for (const section of sections) section.subscribe(() => renders.sections++);
  /** What React does after a change: each part reads its snapshot. */
  const render = () => ({ job: view.get(), sections: sections.map((s) => s.get()) });
  render();
  return { doc, view, render, renders };
}

describe('a job on screen, read per root', () => {
  beforeEach(() => {
    vi.mocked(shared.readJobRoot).mockClear();
  });

  it('re-reads only the notes, once, when a technician types in a note, not the whole job once per section', () => {
    const { doc, render, renders } = jobOnScreen();
    const before = render();
    vi.mocked(shared.readJobRoot).mockClear();
    vi.mocked(shared.readJob).mockClear();

    noteText(doc, 'n1')!.insert(4, ' cleaned');
    const after = render();

    expect(vi.mocked(shared.readJobRoot).mock.calls.map(([, root]) => root)).toEqual(['notes']);
    expect(shared.readJob).not.toHaveBeenCalled();
    expect(after.job.notes[0]!.text).toBe('Coil cleaned');
    expect(after.job.checklist).toBe(before.job.checklist); // untouched roots keep their object: no re-render
    expect(after.sections[0]).toBe(before.sections[0]);
    expect(renders).toEqual({ screen: 1, sections: 1 });
  });

  it('matches a full read after local and remote changes to several roots', () => {
    const { doc, view, render } = jobOnScreen();
    const office = new Y.Doc();
    Y.applyUpdate(office, Y.encodeStateAsUpdate(doc));
    shared.setMeta(office, { title: 'No cooling' });
    setChecklistDone(office, 'c1', true, 'dana', '2026-11-26T10:00:00Z');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(office), 'relay');
    addNote(doc, { id: 'n2', author: 'alice', createdAt: '2026-11-26T10:01:00Z', text: 'Fan replaced' });
    render();
    expect(view.get()).toEqual(readJob(doc));
  });
});
