/** The unread-messages badge of a job on the technician's list and the dispatcher's board. */
import type { JobDigest } from '@outpost/client/react';
import { unreadCount } from '@outpost/shared';

/** Shows how many messages by others `userId` has not read; nothing when none. */
export function UnreadBadge({ digest, userId }: { digest: JobDigest<'messages' | 'messageReads'> | undefined; userId: string }) {
  const n = digest ? unreadCount(digest.messages, digest.messageReads, userId) : 0;
  if (n === 0) return null;
  return (
    <span className="pill unread" data-testid="unread" aria-label={`${n} unread ${n === 1 ? 'message' : 'messages'}`}>
      {n} ✉
    </span>
  );
}

/** The roots the badge reads. */
export const UNREAD_ROOTS = ['messages', 'messageReads'] as const;
