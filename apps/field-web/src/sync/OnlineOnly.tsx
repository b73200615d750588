/**
 * Actions that need the office systems right now (payment links, estimates, new
 * customers). They stay visible offline but disabled, with the reason next to them.
 */
import { useSyncStatus } from '@outpost/client/react';
import { useState } from 'react';

/** Props of {@link OnlineOnlyButton}. */
export interface OnlineOnlyButtonProps {
  label: string;
  /** Runs the action; resolves to what to tell the person. */
  run: () => Promise<string> | string;
}

/** A button that works only with a connection, and says so when there is none. */
export function OnlineOnlyButton({ label, run }: OnlineOnlyButtonProps) {
  const { connected } = useSyncStatus();
  const [result, setResult] = useState<string | null>(null);
  const id = `why-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <div className="stack field" style={{ gap: 2 }}>
      <button type="button" disabled={!connected} aria-describedby={connected ? undefined : id} onClick={async () => setResult(await run())}>
        {label}
      </button>
      {!connected ? (
        <span id={id} className="disabled-reason">
          Needs a connection: you are offline.
        </span>
      ) : null}
      {connected && result ? <span className="muted">{result}</span> : null}
    </div>
  );
}
