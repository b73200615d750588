/**
 * The job's conversation between the office and the technicians: messages are job content
 * like notes, written offline on either side and merged by Yjs; each person's read mark
 * lives in the doc too (`messageReads`), so "unread" follows the person across devices.
 *
 * A read mark counts the messages by others that the person has read, not a time: a
 * message written offline arrives later but may be older than ones already read, and it
 * must still count as unread.
 */
import * as Y from 'yjs';
import { jobRoots } from './doc';
import type { JobMessage, MessageReads } from './schema';

/** Longest message text a device may write (the app refuses longer before writing). */
export const MESSAGE_MAX_CHARS = 2000;

/** Appends a message to the job's conversation, in one update. */
export function sendMessage(doc: Y.Doc, message: JobMessage): void {
  const m = new Y.Map<unknown>();
  doc.transact(() => {
    jobRoots(doc).messages.push([m]);
    m.set('id', message.id);
    m.set('author', message.author);
    m.set('text', message.text);
    m.set('at', message.at);
  });
}

/** The conversation in the order it was written (device clock, then id), oldest first. */
export function messageThread(messages: readonly JobMessage[]): JobMessage[] {
  return [...messages].sort((a, b) => (a.at === b.at ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.at < b.at ? -1 : 1));
}

/** How many messages by others `userId` has not read yet. */
export function unreadCount(messages: readonly JobMessage[], reads: MessageReads, userId: string): number {
  const byOthers = messages.filter((m) => m.author !== userId).length;
  return Math.max(0, byOthers - (reads[userId] ?? 0));
}

/**
 * Marks every message by others as read by `userId`; writes nothing when the mark is
 * already there (opening a job must not make an update each time).
 */
export function markMessagesRead(doc: Y.Doc, userId: string): boolean {
  const r = jobRoots(doc);
  const byOthers = r.messages.toArray().filter((m) => m instanceof Y.Map && m.get('author') !== userId).length;
  const mark = r.messageReads.get(userId);
  if ((typeof mark === 'number' ? mark : 0) >= byOthers) return false;
  r.messageReads.set(userId, byOthers);
  return true;
}
