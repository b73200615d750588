/**
 * Who has been seen typing in which note, from presence, for this app session. A merge
 * summary only knows a note's author; presence tells who actually had the note open, so
 * "Dana edited the note" names the right person.
 */
const seen = new Map<string, Set<string>>();

/** Records that `userId` was typing in `noteId`. */
export function sawEditing(noteId: string, userId: string): void {
  const editors = seen.get(noteId) ?? new Set<string>();
  editors.add(userId);
  seen.set(noteId, editors);
}

/** Everyone seen typing in `noteId` in this session. */
export function editorsOf(noteId: string): string[] {
  return [...(seen.get(noteId) ?? [])];
}
