import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, onSessionEnded, SESSION_PATH, type Session } from './api';
import { ConfirmDialog } from './components';
import { AuditPage } from './pages/audit';
import { DebugPage } from './pages/debug';
import { ProjectPage } from './pages/project';
import { ProjectsPage } from './pages/projects';
import { SignInPage } from './pages/sign-in';
import { Link, useLocation } from './router';

type State = { kind: 'loading' } | { kind: 'signed-out'; message?: string } | { kind: 'signed-in'; session: Session };

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    onSessionEnded((message) => setState({ kind: 'signed-out', message }));
    api<Session>('GET', SESSION_PATH).then(
      (session) => setState({ kind: 'signed-in', session }),
      (error: ApiError) => setState({ kind: 'signed-out', message: error.status === 401 ? undefined : error.message }),
    );
  }, []);

  if (state.kind === 'loading') return <p class="loading">Loading…</p>;
  if (state.kind === 'signed-out')
    return <SignInPage message={state.message} onSignedIn={(session) => setState({ kind: 'signed-in', session })} />;
  return <SignedIn session={state.session} onSignedOut={() => setState({ kind: 'signed-out', message: 'You are signed out.' })} />;
}

function SignedIn({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const { path, query } = useLocation();
  const [error, setError] = useState<string>();
  const signOut = () =>
    api('DELETE', SESSION_PATH).then(onSignedOut, (failure: ApiError) =>
      failure.status === 401 ? onSignedOut() : setError(failure.message),
    );
  const project = /^\/projects\/([^/]+)$/.exec(path);
  const debug = /^\/projects\/([^/]+)\/debug$/.exec(path);
  const section = path.startsWith('/audit') ? 'audit' : 'projects';
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Xshathra Realtime</span>
        <nav aria-label="Main">
          <Link to="/" aria-current={section === 'projects' ? 'page' : undefined}>
            Projects
          </Link>
          <Link to="/audit" aria-current={section === 'audit' ? 'page' : undefined}>
            Audit log
          </Link>
        </nav>
        <span class="who">{session.adminKeyName ? `Admin key “${session.adminKeyName}”` : 'Admin'}</span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main">
        {error && (
          <p role="alert" class="notice error">
            {error}
          </p>
        )}
        {debug ? (
          <DebugPage key={debug[1]} id={decodeURIComponent(debug[1])} />
        ) : project ? (
          <ProjectPage key={project[1]} id={decodeURIComponent(project[1])} />
        ) : section === 'audit' ? (
          <AuditPage projectId={query.get('project') ?? ''} session={session} />
        ) : (
          <ProjectsPage />
        )}
      </main>
      <ConfirmDialog />
    </>
  );
}
