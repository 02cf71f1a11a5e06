import { useEffect, useState } from 'preact/hooks';
import { api, type CreatedProject, type ProjectPage } from '../api';
import { Notice, PageHeading, Pager, SecretField, Section, TableScroller, when } from '../components';
import { Link } from '../router';
import { curlSnippet, fetchSnippet } from '../snippets';

const PAGE_SIZE = 20;

export const linesOf = (text: string) =>
  text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);

export function ProjectsPage() {
  const [page, setPage] = useState(1);
  const [list, setList] = useState<ProjectPage>();
  const [error, setError] = useState<string>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedProject>();

  const load = () =>
    api<ProjectPage>('GET', `/api/admin/projects?page=${page}&pageSize=${PAGE_SIZE}`).then(
      (next) => (setList(next), setError(undefined)),
      (failure: Error) => setError(failure.message),
    );
  useEffect(() => void load(), [page]);

  return (
    <>
      <PageHeading>Projects</PageHeading>
      <p class="lead">Each project is a tenant: its own keys, channel patterns and rate limit.</p>
      {!creating && (
        <button type="button" class="primary" onClick={() => (setCreating(true), setCreated(undefined))}>
          New project
        </button>
      )}
      {creating && (
        <NewProjectForm
          onCancel={() => setCreating(false)}
          onCreated={(result) => {
            setCreating(false);
            setCreated(result);
            void load();
          }}
        />
      )}
      {created && <CreatedKeys created={created} />}
      <Notice error={error} />
      {list && (
        <Section id="all-projects" title="All projects">
          {list.total === 0 ? (
            <p>No projects yet.</p>
          ) : (
            <TableScroller label="Projects table">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col" class="wide-only">
                      Slug
                    </th>
                    <th scope="col">Status</th>
                    <th scope="col">Live connections</th>
                    <th scope="col" class="wide-only">
                      Created
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.projects.map((project) => (
                    <tr key={project.id}>
                      <th scope="row">
                        <Link to={`/projects/${project.id}`}>{project.name}</Link>
                      </th>
                      <td class="wide-only">
                        <code>{project.slug}</code>
                      </td>
                      <td>{project.disabledAt ? <span class="badge off">Disabled</span> : <span class="badge on">Active</span>}</td>
                      <td>{project.connections ?? '—'}</td>
                      <td class="wide-only">{when(project.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroller>
          )}
          <Pager page={list.page} pageSize={list.pageSize} total={list.total} onPage={setPage} />
        </Section>
      )}
    </>
  );
}

function NewProjectForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (created: CreatedProject) => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const channels = linesOf((form.get('channels') as string | null) ?? '');
    setBusy(true);
    try {
      onCreated(
        await api<CreatedProject>('POST', '/api/admin/projects', {
          name: (form.get('name') as string | null) ?? '',
          ...(channels.length ? { channels } : {}),
        }),
      );
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section id="new-project" title="New project">
      <form onSubmit={(event) => void submit(event)}>
        <label for="project-name">Name</label>
        <input id="project-name" name="name" required maxLength={100} autoFocus />
        <label for="project-channels">Channel patterns</label>
        <textarea id="project-channels" name="channels" rows={3} aria-describedby="project-channels-hint" spellcheck={false} />
        <p id="project-channels-hint" class="hint">
          Optional, one per line, e.g. <code>*:acme.*</code>. Empty: the project owns <code>*:&lt;slug&gt;.*</code>. Patterns may not
          overlap another project's.
        </p>
        <Notice error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Create project
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Section>
  );
}

function CreatedKeys({ created }: { created: CreatedProject }) {
  const { project, serverApiKey, clientApiKey } = created;
  const origin = location.origin;
  return (
    <Section id="created" title={`Project “${project.name}” created`}>
      <p class="warning" role="note">
        Copy these keys now: they will not be shown again (only their hashes are kept). Keep the server key on your backend, never in a
        browser.
      </p>
      <SecretField id="created-server-key" label="Server API key" value={serverApiKey} />
      <SecretField id="created-client-key" label="Client API key" value={clientApiKey} />
      <h3>Mint a connection token with curl</h3>
      <pre class="snippet" tabIndex={0} aria-label="curl snippet">
        <code>{curlSnippet(origin, serverApiKey)}</code>
      </pre>
      <h3>…or from Node.js (18 or later)</h3>
      <pre class="snippet" tabIndex={0} aria-label="Node.js snippet">
        <code>{fetchSnippet(origin, serverApiKey)}</code>
      </pre>
      <p>
        <Link to={`/projects/${project.id}`}>Open {project.name}</Link>
      </p>
    </Section>
  );
}
