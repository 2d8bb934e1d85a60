import { type FormEvent, useState } from 'react';
import { describeError, login } from '../api.ts';

/** Sign-in with an access key and secret key; the secret goes to the server once and is never stored. */
export function LoginPage({ onSignedIn }: { onSignedIn(): void }) {
  const [accessKey, setAccessKey] = useState('');
  const [secretKey, setSecretKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(accessKey, secretKey);
      setSecretKey('');
      onSignedIn();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="card" onSubmit={submit}>
        <h1>Cairn Console</h1>
        <label>
          Access key
          <input
            name="accessKey"
            autoComplete="username"
            value={accessKey}
            onChange={(e) => setAccessKey(e.target.value)}
            required
          />
        </label>
        <label>
          Secret key
          <input
            name="secretKey"
            type="password"
            autoComplete="current-password"
            value={secretKey}
            onChange={(e) => setSecretKey(e.target.value)}
            required
          />
        </label>
        {error !== undefined && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
