import type { Session } from '@stocktake/shared/api';
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorMessage } from '../ui.tsx';

export function LoginPage({ notice, onLoggedIn }: { notice: string | undefined; onLoggedIn(s: Session): void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onLoggedIn(await api.post<Session>('/api/v1/session', { name, password }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <main id="main" class="login">
      <h1>Stocktake</h1>
      <p class="muted">Log in with the account an administrator made for you.</p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit}>
        <label for="login-name">Name</label>
        <input
          id="login-name"
          name="username"
          autocomplete="username"
          required
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <label for="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <ErrorMessage error={error} />
    </main>
  );
}
