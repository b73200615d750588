/** Sign-in screen, with the demo users one tap away. */
import { useOutpost } from '@outpost/client/react';
import { useState, type FormEvent } from 'react';

/** Demo users from the seed; the password is the same for each. */
const DEMO_USERS = [
  { username: 'alice', role: 'technician' },
  { username: 'bob', role: 'technician' },
  { username: 'dana', role: 'dispatcher' },
];

/** Props of {@link Login}. */
export interface LoginProps {
  onSignedIn: () => void;
  /** Why the person is here again (an expired session), if they were signed in before. */
  notice?: string | null;
}

/** The sign-in form. */
export function Login({ onSignedIn, notice }: LoginProps) {
  const engine = useOutpost();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await engine.login(username.trim(), password);
      // Notification permission is asked later, when it explains itself (sync/notify-permission.tsx).
      onSignedIn();
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Sign-in failed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main>
      <form className="card stack" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Outpost</h1>
        {notice ? (
          <p className="notice warn" role="alert">
            {notice}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="username">Username</label>
          <input id="username" autoComplete="username" autoCapitalize="none" value={username} onChange={(e) => setUsername(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input id="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        {error ? (
          <p className="disabled-reason" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="big primary" disabled={busy || !username || !password}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted">Demo users (password “outpost”):</p>
        <div className="row">
          {DEMO_USERS.map((u) => (
            <button
              key={u.username}
              type="button"
              className="small"
              onClick={() => {
                setUsername(u.username);
                setPassword('outpost');
              }}
            >
              {u.username} ({u.role})
            </button>
          ))}
        </div>
      </form>
    </main>
  );
}
