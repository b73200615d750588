/** Header indicator (Online / Offline (N pending) / Sync failed (N items)) and the Connection row. */
import { useSyncStatus } from '@outpost/client/react';
import type { ReactNode } from 'react';
import { hrefFor } from '../app/router';
import { indicatorWords } from './indicator-words';

/** The header button that opens Offline Actions. */
export function SyncIndicator() {
  const status = useSyncStatus();
  const { text, tone } = indicatorWords(status);
  return (
    <a className={`button sync ${tone}`} href={hrefFor({ name: 'offline-actions' })} data-testid="sync-indicator" aria-label={`Sync status: ${text}. Open Offline Actions`}>
      {text}
    </a>
  );
}

/** The Connection row: is the server reachable right now; `children` sit at its end. */
export function ConnectionRow({ children }: { children?: ReactNode }) {
  const { connected } = useSyncStatus();
  return (
    <div className="connection">
      <span role="status" aria-live="polite">
        Connection{' '}
        <span className={`state ${connected ? 'online' : 'offline'}`} data-testid="connection">
          {connected ? '● Online' : '● Offline'}
        </span>
      </span>
      {children}
    </div>
  );
}
