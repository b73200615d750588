/**
 * In-app notices: the queue drained ("12 pending updates were uploaded", also as a system
 * notification where permitted), what others changed while this device was away, and
 * the storage warning with an export of unsynced work (and, when the device could not
 * save a change, a way to try again once space is freed).
 */
import { useOutpost, useSyncStatus } from '@outpost/client/react';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { describeMerge } from './merge-words';
import { NotifyAsk, systemNotification } from './notify-permission';
import { editorsOf } from './note-editors';
import { storageBannerWords } from './storage-words';

interface Notice {
  id: number;
  text: string;
}

let nextId = 1;
const MAX_SHOWN = 3;
const NOTICE_MS = 12_000;
const PRESENCE_GRACE_MS = 700;

/** Downloads the export of everything not yet durable on the server. */
export async function downloadUnsynced(engine: { exportUnsynced(): Promise<{ fileName: string; mime: string; text: string }> }) {
  const file = await engine.exportUnsynced();
  const url = URL.createObjectURL(new Blob([file.text], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Props of {@link Notices}. */
export interface NoticesProps {
  /** A job's title, to say which job a merge summary is about. */
  jobTitle: (jobId: string) => string | undefined;
  /** The signed-in user's id. */
  selfId: string;
}

/** The stack of notices under the header. */
export function Notices({ jobTitle, selfId }: NoticesProps) {
  const engine = useOutpost();
  const [notices, setNotices] = useState<Notice[]>([]);
  const storage = useSyncExternalStore(engine.storage.subscribe, engine.storage.get);
  const status = useSyncStatus();
  // A change the device could not store outranks every other storage worry.
  const banner = storage.unsaved ? storage.warning : storageBannerWords({ ...storage, pending: status.pending, failed: status.failed, connected: status.connected });
  const push = (text: string) => {
    const id = nextId++;
    setNotices((list) => [...list.slice(-(MAX_SHOWN - 1)), { id, text }]);
    // Good news fades; the storage warning (below) stays until it is resolved.
    setTimeout(() => setNotices((list) => list.filter((n) => n.id !== id)), NOTICE_MS);
  };

  useEffect(() => {
    const offDrained = engine.on('drained', (e) => {
      push(e.message);
      // The person may have switched away while the queue drained: the system tells them.
      if (document.visibilityState === 'hidden') void systemNotification(e.message);
    });
    // The service worker drained with no page watching; this page opened meanwhile.
    const fromWorker = (event: MessageEvent) => {
      const data = event.data as { type?: string; body?: string } | null;
      if (data?.type === 'outpost:drained' && data.body) push(data.body);
    };
    navigator.serviceWorker?.addEventListener('message', fromWorker);
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const offMerge = engine.on('mergeSummary', (summary) => {
      // Presence arrives with the reconnect too; give it a moment so edits are attributed.
      const timer = setTimeout(() => {
        timers.delete(timer);
        const words = describeMerge(summary, { editorsOf, selfId });
        if (!words) return;
        const title = jobTitle(summary.jobId);
        push(title ? `${title}: ${words}` : words);
      }, PRESENCE_GRACE_MS);
      timers.add(timer);
    });
    return () => {
      offDrained();
      offMerge();
      navigator.serviceWorker?.removeEventListener('message', fromWorker);
      for (const t of timers) clearTimeout(t);
    };
  }, [engine, jobTitle, selfId]);

  return (
    <div className="notices" aria-live="polite">
      <NotifyAsk />
      {banner ? (
        <div className="notice warn" role="alert" data-testid="storage-warning">
          <span className="grow">{banner}</span>
          {storage.unsaved ? (
            // Writes what the device refused again; while it still cannot, the warning stays.
            <button type="button" className="small" onClick={() => void engine.flush().catch(() => undefined)}>
              Try saving again
            </button>
          ) : null}
          <button type="button" className="small" onClick={() => void downloadUnsynced(engine)}>
            Export unsynced work
          </button>
        </div>
      ) : null}
      {notices.map((n) => (
        <div key={n.id} className="notice" data-testid="notice">
          <span className="grow">{n.text}</span>
          <button type="button" className="small" aria-label="Dismiss notice" onClick={() => setNotices((l) => l.filter((x) => x.id !== n.id))}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
