import { useState } from 'preact/hooks';
import { api, ApiError, SESSION_PATH, type Session } from '../api';
import { Notice, PageHeading } from '../components';

/**
 * The admin key goes to the service once, in the body of the sign-in request, and is forgotten: the service
 * answers with an HttpOnly session cookie. Nothing is written to any browser storage.
 */
export function SignInPage({ message, onSignedIn }: { message?: string; onSignedIn: (session: Session) => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const field = form.elements.namedItem('adminKey') as HTMLInputElement;
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', SESSION_PATH, { adminKey: field.value.trim() });
      field.value = '';
      onSignedIn(await api<Session>('GET', SESSION_PATH));
    } catch (failure) {
      const status = (failure as ApiError).status;
      // Why a key was refused is not said (unknown, revoked or mistyped look the same), as the API does.
      setError(status === 401 || status === 400 ? 'That admin key was not accepted.' : (failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <PageHeading>Xshathra Realtime console</PageHeading>
      <form class="card" onSubmit={(event) => void submit(event)}>
        <Notice ok={error ? undefined : message} />
        <label for="adminKey">Admin key</label>
        <input
          id="adminKey"
          name="adminKey"
          type="password"
          required
          autocomplete="off"
          spellcheck={false}
          placeholder="xs_ak_…"
          aria-describedby="adminKeyHint"
        />
        <p id="adminKeyHint" class="hint">
          Create one with <code>npm run cli -- admin-keys create --name "Your name"</code>. It is exchanged for a session and not kept by
          this browser.
        </p>
        <Notice error={error} />
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
