import { useEffect, useState } from 'preact/hooks';
import { api, type AuditEntry, type AuditPage as Page, type ProjectPage, type Session } from '../api';
import { Notice, PageHeading, Pager, Section, TableScroller, when } from '../components';
import { navigate } from '../router';

const PAGE_SIZE = 25;
/** Fields every entry carries that say nothing about the change itself. */
const NOISE = new Set(['id', 'projectId', 'createdAt']);

/** A value in one short line: strings bare, lists of records by their count (a project's keys at creation). */
const show = (value: unknown) =>
  typeof value === 'string'
    ? value
    : Array.isArray(value) && value.some((item) => typeof item === 'object')
      ? `${value.length} item${value.length === 1 ? '' : 's'}`
      : JSON.stringify(value);

/** before → after, field by field: only what changed (or, for a creation, what was made). */
function changes(entry: AuditEntry): string[] {
  const { before, after } = entry;
  if (!before && after)
    return Object.entries(after)
      .filter(([field]) => !NOISE.has(field))
      .map(([field, value]) => `${field}: ${show(value)}`);
  if (before && !after) return ['removed'];
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...fields]
    .filter((field) => JSON.stringify(before?.[field]) !== JSON.stringify(after?.[field]))
    .map((field) => `${field}: ${show(before?.[field] ?? null)} → ${show(after?.[field] ?? null)}`);
}

export function AuditPage({ projectId, session }: { projectId: string; session: Session }) {
  const [page, setPage] = useState(1);
  const [log, setLog] = useState<Page>();
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<string>();

  useEffect(() => {
    // The filter's choices: the first hundred projects (the API's largest page).
    api<ProjectPage>('GET', '/api/admin/projects?pageSize=100').then(
      (list) => setNames(new Map(list.projects.map((project) => [project.id, project.name]))),
      (failure: Error) => setError(failure.message),
    );
  }, []);
  // Another filter: its own first page, and nothing of the previous filter's shown meanwhile.
  useEffect(() => (setPage(1), setLog(undefined)), [projectId]);
  useEffect(() => {
    let stale = false;
    const filter = projectId ? `&projectId=${encodeURIComponent(projectId)}` : '';
    api<Page>('GET', `/api/admin/audit?page=${page}&pageSize=${PAGE_SIZE}${filter}`).then(
      (next) => !stale && (setLog(next), setError(undefined)),
      (failure: Error) => !stale && setError(failure.message),
    );
    return () => {
      stale = true;
    };
  }, [page, projectId]);

  const actor = (entry: AuditEntry) =>
    entry.actor === 'cli'
      ? 'CLI'
      : entry.adminKeyId === session.adminKeyId && session.adminKeyName
        ? `Admin key “${session.adminKeyName}” (you)`
        : `Admin key ${entry.adminKeyId?.slice(0, 8)}…`;

  return (
    <>
      <PageHeading>Audit log</PageHeading>
      <p class="lead">
        Every change made through the CLI, the admin API or this console, newest first. Entries are never changed or removed.
      </p>
      <div class="filter">
        <label for="audit-project">Project</label>
        <select
          id="audit-project"
          value={projectId}
          onChange={(event) => navigate(event.currentTarget.value ? `/audit?project=${event.currentTarget.value}` : '/audit')}
        >
          <option value="">All projects</option>
          {[...names].map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <Notice error={error} />
      {log && (
        <Section id="entries" title={projectId ? `Entries for ${names.get(projectId) ?? 'this project'}` : 'Entries'}>
          {log.total === 0 ? (
            <p>No entries.</p>
          ) : (
            <TableScroller label="Audit log table">
              <table class="audit">
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Project</th>
                    <th scope="col">Before → after</th>
                  </tr>
                </thead>
                <tbody>
                  {log.entries.map((entry) => (
                    <tr key={entry.id}>
                      <td data-label="Time">{when(entry.at)}</td>
                      <td data-label="Actor">{actor(entry)}</td>
                      <td data-label="Action">
                        <code>{entry.action}</code>
                      </td>
                      <td data-label="Project">
                        {entry.projectId ? (names.get(entry.projectId) ?? `${entry.projectId.slice(0, 8)}…`) : '—'}
                      </td>
                      <td data-label="Before → after">
                        <ul class="changes">
                          {changes(entry).map((line) => (
                            <li key={line}>{line}</li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroller>
          )}
          <Pager page={log.page} pageSize={log.pageSize} total={log.total} onPage={setPage} />
        </Section>
      )}
    </>
  );
}
