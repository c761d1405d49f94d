import { useState, type FormEvent } from 'react';

export function SignIn(props: {
  notice: string | null;
  busy: boolean;
  onSubmit: (apiKey: string) => void;
}) {
  const [apiKey, setApiKey] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (apiKey.trim()) props.onSubmit(apiKey.trim());
  };
  return (
    <main className="sign-in">
      <h1>Mosaic</h1>
      <p>Sign in with an API key of role dashboard or admin (a reader key shows masked data).</p>
      <form onSubmit={submit} aria-describedby={props.notice ? 'sign-in-notice' : undefined}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          required
          autoFocus
        />
        <button type="submit" disabled={props.busy}>
          {props.busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      {props.notice && (
        <p id="sign-in-notice" className="notice" role="alert">
          {props.notice}
        </p>
      )}
    </main>
  );
}
