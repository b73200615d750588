/** Notes on a job: collaborative text, with who else is here and which note they edit. */
import { useJobRoot } from '@outpost/client/react';
import { addNote, noteText } from '@outpost/shared';
import type * as Y from 'yjs';
import { displayName } from '../sync/merge-words';
import { CollaborativeNote } from './CollaborativeNote';
import { newId, nowIso } from './use-job-content';

/** Another person in the job, as presence reports them (stamped by the server). */
export interface JobPeer {
  clientId: number;
  user: { id: string; name: string; role?: string };
  editingNoteId?: string | null;
}

/** Props of {@link NotesSection}. */
export interface NotesSectionProps {
  doc: Y.Doc;
  user: { id: string; name: string };
  others: readonly JobPeer[];
  /** Tells the others which note this person is typing in (null: none). */
  onEditing: (noteId: string | null) => void;
}

/** One entry per other person; a person editing in any tab wins over an idle tab. */
export function distinctPeers(others: readonly JobPeer[], selfId: string): JobPeer[] {
  const byUser = new Map<string, JobPeer>();
  for (const p of others) {
    if (!p.user || p.user.id === selfId) continue;
    const seen = byUser.get(p.user.id);
    if (!seen || (!seen.editingNoteId && p.editingNoteId)) byUser.set(p.user.id, p);
  }
  return [...byUser.values()].sort((a, b) => a.user.name.localeCompare(b.user.name));
}

/** The notes card of the job screen. */
export function NotesSection({ doc, user, others, onEditing }: NotesSectionProps) {
  const notes = useJobRoot(doc, 'notes');
  const peers = distinctPeers(others, user.id);

  return (
    <section className="card" aria-labelledby="notes-title">
      <h2 id="notes-title">Notes</h2>
      <div className="presence" aria-live="polite" aria-label="Who else is in this job">
        {peers.length === 0 ? <span className="muted">Nobody else is in this job.</span> : null}
        {peers.map((p) => (
          <span key={p.user.id} className="pill" data-testid="peer">
            {p.user.name}
            {p.editingNoteId ? ' is editing' : ' is here'}
          </span>
        ))}
      </div>
      {notes.map((note, i) => {
        const text = noteText(doc, note.id);
        if (!text) return null;
        const editors = peers.filter((p) => p.editingNoteId === note.id).map((p) => p.user.name);
        return (
          <div key={note.id} className="stack" style={{ marginTop: 8 }}>
            <span className="muted">
              Note {i + 1} by {displayName(note.author)}
              {editors.length > 0 ? ` — ${editors.join(', ')} typing` : ''}
            </span>
            <CollaborativeNote text={text} label={`Note ${i + 1}`} onEditing={(editing) => onEditing(editing ? note.id : null)} />
          </div>
        );
      })}
      <button type="button" style={{ marginTop: 8 }} onClick={() => addNote(doc, { id: newId(), author: user.id, createdAt: nowIso() })}>
        Add note
      </button>
    </section>
  );
}
