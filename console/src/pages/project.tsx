import { useEffect, useState } from 'preact/hooks';
import { api, type Key, type Project } from '../api';
import { confirmFirst, Notice, PageHeading, SecretField, Section, TableScroller, when } from '../components';
import { Link } from '../router';
import { linesOf } from './projects';

const LIVE_REFRESH_MS = 5000;

/** What a section says after an action: an error, or a confirmation. */
type Outcome = { error?: string; ok?: string };
const failed = (failure: unknown): Outcome => ({ error: (failure as Error).message });

export function ProjectPage({ id }: { id: string }) {
  const [project, setProject] = useState<Project>();
  const [error, setError] = useState<string>();
  const path = `/api/admin/projects/${encodeURIComponent(id)}`;

  useEffect(() => {
    let stopped = false;
    const load = () =>
      api<Project>('GET', path).then(
        (next) => !stopped && (setProject(next), setError(undefined)),
        (failure: Error) => !stopped && setError(failure.message),
      );
    void load();
    // Live counts (and anything another admin changed) refresh every few seconds.
    const timer = setInterval(() => void load(), LIVE_REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [path]);

  if (!project)
    return (
      <>
        <PageHeading>Project</PageHeading>
        {error ? <Notice error={error} /> : <p>Loading…</p>}
        <Link to="/">Back to projects</Link>
      </>
    );
  return (
    <>
      <PageHeading>{project.name}</PageHeading>
      <p class="lead">
        <code>{project.slug}</code> · {project.disabledAt ? <span class="badge off">Disabled</span> : <span class="badge on">Active</span>}{' '}
        · created {when(project.createdAt)} · <Link to={`/audit?project=${project.id}`}>Audit log of this project</Link> ·{' '}
        <Link to={`/projects/${project.id}/debug`}>Debug</Link>
      </p>
      <Notice error={error} />
      <KeysSection path={path} />
      <ChannelsSection project={project} path={path} onSaved={setProject} />
      <RateLimitSection project={project} path={path} onSaved={setProject} />
      <LiveSection project={project} path={path} />
      <DangerSection project={project} path={path} onSaved={setProject} />
    </>
  );
}

function KeysSection({ path }: { path: string }) {
  const [keys, setKeys] = useState<Key[]>([]);
  const [outcome, setOutcome] = useState<Outcome>({});
  const [fresh, setFresh] = useState<{ kind: string; key: string }>();
  const load = () =>
    api<{ keys: Key[] }>('GET', `${path}/keys`).then(
      (answer) => setKeys(answer.keys),
      (failure) => setOutcome(failed(failure)),
    );
  useEffect(() => void load(), [path]);

  const create = async (kind: 'server' | 'client') => {
    try {
      const created = await api<{ apiKey: Key; key: string }>('POST', `${path}/keys`, { kind });
      setFresh({ kind, key: created.key });
      setOutcome({});
      await load();
    } catch (failure) {
      setOutcome(failed(failure));
    }
  };
  const revoke = async (key: Key) => {
    const sure = await confirmFirst(
      `Revoke ${key.prefix}…?`,
      `Every call with this ${key.kind} key is refused from now on, on every instance${key.kind === 'server' ? ', and the tokens it minted can no longer subscribe' : ''}. This cannot be undone.`,
      'Revoke key',
    );
    if (!sure) return;
    try {
      await api('DELETE', `${path}/keys/${key.id}`);
      setOutcome({ ok: `Key ${key.prefix}… revoked.` });
      await load();
    } catch (failure) {
      setOutcome(failed(failure));
    }
  };
  return (
    <Section id="keys" title="Keys">
      <TableScroller label="Keys table">
        <table>
          <thead>
            <tr>
              <th scope="col">Prefix</th>
              <th scope="col">Kind</th>
              <th scope="col" class="wide-only">
                Created
              </th>
              <th scope="col">State</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                <th scope="row">
                  <code>{key.prefix}…</code>
                </th>
                <td>{key.kind}</td>
                <td class="wide-only">{when(key.createdAt)}</td>
                <td>
                  {key.revokedAt
                    ? `Revoked ${when(key.revokedAt)}`
                    : key.lastUsedAt
                      ? `Active, last used ${when(key.lastUsedAt)}`
                      : 'Active, never used'}
                </td>
                <td>
                  {!key.revokedAt && (
                    <button type="button" class="danger" aria-label={`Revoke ${key.prefix}`} onClick={() => void revoke(key)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroller>
      <div class="actions">
        <button type="button" onClick={() => void create('server')}>
          New server key
        </button>
        <button type="button" onClick={() => void create('client')}>
          New client key
        </button>
      </div>
      {fresh && (
        <div class="fresh">
          <p class="warning" role="note">
            Copy the new key now: it will not be shown again.
          </p>
          <SecretField id="fresh-key" label={fresh.kind === 'server' ? 'New server API key' : 'New client API key'} value={fresh.key} />
        </div>
      )}
      <Notice {...outcome} />
    </Section>
  );
}

interface Editable {
  project: Project;
  path: string;
  onSaved: (project: Project) => void;
}

/** PATCHes the project; the outcome is the API's own message on refusal (the same rules as the CLI). */
function usePatch({ project, path, onSaved }: Editable) {
  const [outcome, setOutcome] = useState<Outcome>({});
  const patch = async (body: object, ok: string) => {
    try {
      const saved = await api<Project>('PATCH', path, body);
      onSaved({ ...project, ...saved });
      setOutcome({ ok });
    } catch (failure) {
      setOutcome(failed(failure));
    }
  };
  return { outcome, patch };
}

function ChannelsSection(props: Editable) {
  const { outcome, patch } = usePatch(props);
  const { project } = props;
  const [text, setText] = useState(project.channels.join('\n'));
  return (
    <Section id="channels" title="Channel patterns">
      {project.unrestricted && (
        <p class="warning">This project is unrestricted: it reaches every channel. Saving patterns restricts it to them.</p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void patch({ channels: linesOf(text) }, 'Channel patterns saved.');
        }}
      >
        <label for="channel-patterns">Channel patterns</label>
        <textarea
          id="channel-patterns"
          rows={4}
          spellcheck={false}
          value={text}
          aria-describedby="channel-patterns-hint"
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <p id="channel-patterns-hint" class="hint">
          One per line: <code>namespace:prefix.*</code>, e.g. <code>*:acme.*</code> or <code>public:acme.lobby</code>. They may not overlap
          another project's.
        </p>
        <Notice {...outcome} />
        <button type="submit" class="primary">
          Save
        </button>
      </form>
    </Section>
  );
}

function RateLimitSection(props: Editable) {
  const { outcome, patch } = usePatch(props);
  const [value, setValue] = useState(props.project.rateLimitPerMinute?.toString() ?? '');
  return (
    <Section id="rate-limit" title="Rate limit">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const limit = value.trim() === '' ? null : Number(value);
          void patch(
            { rateLimitPerMinute: limit },
            limit === null ? 'Rate limit saved: the deployment default applies.' : 'Rate limit saved.',
          );
        }}
      >
        <label for="rate-limit-value">Requests per minute</label>
        <input
          id="rate-limit-value"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          value={value}
          aria-describedby="rate-limit-hint"
          onInput={(event) => setValue(event.currentTarget.value)}
        />
        <p id="rate-limit-hint" class="hint">
          Calls per minute with this project's server keys. Empty: the deployment's default (<code>RATE_LIMIT_PER_MINUTE</code>).
        </p>
        <Notice {...outcome} />
        <button type="submit" class="primary">
          Save
        </button>
      </form>
    </Section>
  );
}

function LiveSection({ project, path }: { project: Project; path: string }) {
  const [outcome, setOutcome] = useState<Outcome>({});
  const disconnect = async () => {
    const sure = await confirmFirst(
      `Disconnect every connection of ${project.name}?`,
      'Every live connection of the project is closed now (code 4501, no automatic reconnect). Its keys keep working.',
      'Disconnect all',
    );
    if (!sure) return;
    try {
      const { disconnected } = await api<{ disconnected: number }>('POST', `${path}/disconnect`);
      setOutcome({ ok: `${disconnected} connection${disconnected === 1 ? '' : 's'} closed.` });
    } catch (failure) {
      setOutcome(failed(failure));
    }
  };
  return (
    <Section id="live" title="Live">
      <dl class="figures">
        <div>
          <dt>Connections</dt>
          <dd>{project.connections ?? 'unknown'}</dd>
        </div>
        <div>
          <dt>Users</dt>
          <dd>{project.users ?? 'unknown'}</dd>
        </div>
      </dl>
      <p class="hint">Refreshed every {LIVE_REFRESH_MS / 1000} seconds. “unknown”: the engine did not answer.</p>
      <Notice {...outcome} />
      <button type="button" class="danger" onClick={() => void disconnect()}>
        Disconnect all
      </button>
    </Section>
  );
}

function DangerSection(props: Editable) {
  const { project, path, onSaved } = props;
  const [outcome, setOutcome] = useState<Outcome>({});
  const toggle = async () => {
    const disable = !project.disabledAt;
    const sure = await confirmFirst(
      disable ? `Disable ${project.name}?` : `Enable ${project.name}?`,
      disable
        ? 'Every key of the project is refused from now on, and its live connections are closed. You can enable it again.'
        : 'Its active keys work again at once.',
      disable ? 'Disable project' : 'Enable project',
    );
    if (!sure) return;
    try {
      const saved = await api<Project>('POST', `${path}/${disable ? 'disable' : 'enable'}`);
      onSaved({ ...project, ...saved });
      setOutcome({ ok: disable ? 'Project disabled.' : 'Project enabled.' });
    } catch (failure) {
      setOutcome(failed(failure));
    }
  };
  return (
    <Section id="danger" title="Danger zone">
      <p>{project.disabledAt ? `Disabled since ${when(project.disabledAt)}: every key is refused.` : 'The project is active.'}</p>
      <Notice {...outcome} />
      <button type="button" class="danger" onClick={() => void toggle()}>
        {project.disabledAt ? 'Enable project' : 'Disable project'}
      </button>
    </Section>
  );
}
