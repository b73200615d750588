/**
 * System notifications for "your offline work was uploaded" (issue 16 item 5). Permission
 * is asked once, at the moment it explains itself: the device is offline with work waiting
 * to upload. The answer (or "Not now") is remembered, so the question never comes back.
 * Shown through the service worker's `showNotification` (the only way on Android Chrome);
 * where permission is missing, the in-app notice is all there is.
 */
import { useSyncStatus } from '@outpost/client/react';
import { useState } from 'react';
import { readSetting, writeSetting } from '../app/device-settings';

const ASKED_KEY = 'outpost:notify-asked';

function canAsk(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'default' && readSetting(ASKED_KEY) === null;
}

/** Shows `text` as a system notification when permitted; false when it could not. */
export async function systemNotification(text: string): Promise<boolean> {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return false;
  try {
    const registration = 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistration() : undefined;
    if (registration) await registration.showNotification('Outpost', { body: text, tag: 'outpost-drained', icon: '/icon.svg' });
    else new Notification('Outpost', { body: text });
    return true;
  } catch (err) {
    console.warn('[outpost] system notification not shown; the in-app notice stays', err);
    return false;
  }
}

/** The one-time question, shown while offline with work waiting. */
export function NotifyAsk() {
  const status = useSyncStatus();
  const [open, setOpen] = useState(canAsk);
  if (!open || status.connected || status.pending === 0) return null;
  const answer = async (allow: boolean) => {
    writeSetting(ASKED_KEY, new Date().toISOString());
    setOpen(false);
    if (allow) await Notification.requestPermission();
  };
  return (
    <div className="notice" data-testid="notify-ask">
      <span className="grow">You are offline with work waiting to upload. Get a notification when it has reached the office?</span>
      <button type="button" className="small" onClick={() => void answer(true)}>
        Notify me
      </button>
      <button type="button" className="small" onClick={() => void answer(false)}>
        Not now
      </button>
    </div>
  );
}
