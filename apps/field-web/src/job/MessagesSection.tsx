/**
 * The job's conversation between the office and the technicians. A message is written
 * into the job doc at once, offline too; its sender sees "Sending…" until the server
 * holds it (durable ack), then "Sent". Reading the card marks what others wrote as read.
 */
import { messageState, useJobRoot } from '@outpost/client/react';
import { markMessagesRead, MESSAGE_MAX_CHARS, messageThread, sendMessage } from '@outpost/shared';
import { useEffect, useState, type FormEvent } from 'react';
import type * as Y from 'yjs';
import { displayName } from '../sync/merge-words';
import { newId, nowIso } from './use-job-content';

/** Props of {@link MessagesSection}. */
export interface MessagesSectionProps {
  doc: Y.Doc;
  user: { id: string };
  /** Targets of this device's changes not yet durable (LiveJob.unsent). */
  unsent: readonly string[];
}

function stamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

/** The messages card of the job screen. */
export function MessagesSection({ doc, user, unsent }: MessagesSectionProps) {
  const messages = useJobRoot(doc, 'messages');
  const [draft, setDraft] = useState('');
  const text = draft.trim();

  // Everything shown here is read: keep this person's mark up to date while the card is open.
  useEffect(() => void markMessagesRead(doc, user.id), [doc, user.id, messages]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text || text.length > MESSAGE_MAX_CHARS) return;
    sendMessage(doc, { id: newId(), author: user.id, text, at: nowIso() });
    setDraft('');
  };

  return (
    <section className="card" aria-labelledby="messages-title">
      <h2 id="messages-title">Messages</h2>
      {messages.length === 0 ? <p className="muted">No messages yet. The office and the technicians on this job see what you write here.</p> : null}
      <ol className="messages" aria-label="Conversation">
        {messageThread(messages).map((m) => {
          const mine = m.author === user.id;
          const state = mine ? messageState(m.id, unsent) : null;
          return (
            <li key={m.id} className={mine ? 'message mine' : 'message'} data-testid="message">
              <span className="muted">
                {mine ? 'You' : displayName(m.author)} · {stamp(m.at)}
                {state ? <span data-testid="message-state">{state === 'sent' ? ' · Sent' : ' · Sending…'}</span> : null}
              </span>
              <p>{m.text}</p>
            </li>
          );
        })}
      </ol>
      <form className="stack" onSubmit={submit}>
        <label htmlFor="message-draft">Message</label>
        <textarea id="message-draft" rows={2} maxLength={MESSAGE_MAX_CHARS} value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit" className="primary" disabled={!text}>
          Send message
        </button>
      </form>
    </section>
  );
}
