import { Centrifuge } from 'centrifuge';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { DebugBatch } from '../../../src/domain/live/debug-events';
import { api, type DebugFeed, type Project } from '../api';
import { Notice, PageHeading, TableScroller } from '../components';
import { Link } from '../router';

/** The most rows kept on the page: the oldest go first. */
const MAX_ROWS = 500;

type Event = DebugBatch['events'][number];
type Row = { key: number; at: string; what: string; details: string; refused: boolean };
type Connection = { state: 'connecting' } | { state: 'listening' } | { state: 'lost'; why: string };

/**
 * A project's events, live, while the page is open (like Pusher's debug console): the service publishes them
 * on the project's debug channel only while a console watches. This page connects to the engine through the
 * service's own /realtime path with a token the admin API gives it, and asks for a new one when it expires.
 */
export function DebugPage({ id }: { id: string }) {
  const path = `/api/admin/projects/${encodeURIComponent(id)}`;
  const [project, setProject] = useState<Project>();
  const [error, setError] = useState<string>();
  const [connection, setConnection] = useState<Connection>({ state: 'connecting' });
  const [rows, setRows] = useState<Row[]>([]);
  const [paused, setPaused] = useState(false);
  const pausedNow = useRef(false);
  pausedNow.current = paused;

  useEffect(() => {
    let stopped = false;
    let client: Centrifuge | undefined;
    let counter = 0;
    api<Project>('GET', path).then(setProject, (failure: Error) => setError(failure.message));
    const feed = () => api<DebugFeed>('POST', `${path}/debug-feed`);
    feed().then(
      (first) => {
        if (stopped) return;
        client = new Centrifuge(websocketUrl(first.websocketPath), {
          token: first.token,
          getToken: () => feed().then((next) => next.token),
        });
        client.on('connecting', () => setConnection({ state: 'connecting' }));
        client.on('connected', () => setConnection({ state: 'listening' }));
        client.on('disconnected', (ctx) => setConnection({ state: 'lost', why: ctx.reason }));
        client.on('publication', (ctx) => {
          if (ctx.channel !== first.channel || pausedNow.current) return;
          const batch = ctx.data as DebugBatch;
          const fresh = batch.events.map((event) => ({ key: counter++, at: event.at, ...describe(event) }));
          if (batch.dropped)
            fresh.push({
              key: counter++,
              at: new Date().toISOString(),
              what: 'Events left out',
              details: `${batch.dropped} more arrived within a quarter of a second than the feed carries.`,
              refused: false,
            });
          setRows((previous) => [...fresh.reverse(), ...previous].slice(0, MAX_ROWS));
        });
        client.connect();
      },
      (failure: Error) => !stopped && setError(failure.message),
    );
    return () => {
      stopped = true;
      client?.disconnect();
    };
  }, [path]);

  return (
    <>
      <PageHeading>Debug: {project?.name ?? 'project'}</PageHeading>
      <p class="lead">
        What this project's keys and end-users do, as it happens, from every instance of the service: tokens minted, publishes,
        subscriptions allowed or refused (with the reason), and requests refused with a 4xx. Never a token, a key or a payload. Nothing is
        recorded while no one watches. <Link to={`/projects/${encodeURIComponent(id)}`}>Back to the project</Link>
      </p>
      <Notice error={error} />
      {!error && (
        <p role="status" class={`feed-state ${connection.state}`}>
          {connection.state === 'listening'
            ? paused
              ? 'Paused: new events are not shown.'
              : 'Listening: events appear here within a few seconds of happening.'
            : connection.state === 'connecting'
              ? 'Connecting to the debug feed…'
              : `The debug feed is disconnected (${connection.why}); reconnecting…`}
        </p>
      )}
      <div class="actions">
        <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" onClick={() => setRows([])} disabled={rows.length === 0}>
          Clear
        </button>
      </div>
      <TableScroller label="Events">
        <table class="events">
          <caption>
            {rows.length === 0
              ? 'No events yet.'
              : `${rows.length} events, newest first${rows.length === MAX_ROWS ? ' (older ones dropped)' : ''}.`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key} class={row.refused ? 'refused' : undefined}>
                <td>
                  <time dateTime={row.at}>{new Date(row.at).toLocaleTimeString(undefined, { hour12: false })}</time>
                </td>
                <td>{row.what}</td>
                <td class="details">{row.details}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroller>
    </>
  );
}

function websocketUrl(path: string): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

const quoted = (text: string) => `“${text}”`;
const list = (channels: string[]) => (channels.length ? channels.map(quoted).join(', ') : 'none');

/** One event as a row: what happened, and its details in words. */
function describe(event: Event): Omit<Row, 'key' | 'at'> {
  switch (event.type) {
    case 'connection-token':
      return {
        what: 'Connection token',
        details: `User ${quoted(event.user)}; server-side channels: ${list(event.channels)}.`,
        refused: false,
      };
    case 'subscription-token':
      return { what: 'Subscription token', details: `User ${quoted(event.user)}, channel ${quoted(event.channel)}.`, refused: false };
    case 'publish':
      return { what: 'Publish', details: `Channel ${quoted(event.channel)}, ${event.bytes} bytes.`, refused: false };
    case 'broadcast':
      return { what: 'Broadcast', details: `Channels ${list(event.channels)}, ${event.bytes} bytes.`, refused: false };
    case 'subscription':
      return event.allowed
        ? { what: 'Subscription allowed', details: `User ${quoted(event.user)}, channel ${quoted(event.channel)}.`, refused: false }
        : {
            what: 'Subscription refused',
            details: `User ${quoted(event.user)}, channel ${quoted(event.channel)}: ${event.reason}.`,
            refused: true,
          };
    case 'refused-request':
      return { what: `Refused request (${event.status})`, details: `${event.method} ${event.path}: ${event.message}`, refused: true };
  }
}
