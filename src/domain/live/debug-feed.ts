import { Injectable, Logger, OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import { Clock } from '../../platform/clock';
import { EngineClient } from '../../platform/engine/engine.client';
import { TokenSigner } from '../../platform/engine/token-signer';
import { debugChannel, DEBUG_WATCHERS_CHANNEL } from '../channels/control-channel';
import { ControlChannelProbe } from './control-channel-probe';
import type { DebugBatch, DebugEvent } from './debug-events';

/** How often each instance asks the engine which projects are watched. */
const POLL_MS = 2000;
/** Events are gathered this long, then sent as one publication per project (one engine call for all). */
const FLUSH_MS = 250;
/** The most events one publication carries; the rest of that interval is counted as dropped. */
const MAX_EVENTS_PER_BATCH = 200;
/** A console renews its token before this runs out (centrifuge-js asks for a new one). */
const WATCHER_TOKEN_TTL_SECONDS = 600;
/** The instance that minted a watcher token sends at once, before its next poll can see the watcher. */
const LOCAL_WATCH_GRACE_MS = 10_000;
/** The user id of every console connection (the project it watches is in its connection info). */
const WATCHER_USER = 'xshathra-console';

export interface WatcherToken {
  token: string;
  channel: string;
  expiresInSeconds: number;
}

interface Pending {
  events: DebugBatch['events'];
  dropped: number;
}

/**
 * A project's live debug events (tokens minted, publishes, subscriptions allowed or refused, refused requests),
 * carried over the engine so that a console on any instance sees what every instance did. Events are sent
 * only for projects someone watches: each instance learns which from the engine's presence on one channel,
 * every POLL_MS, and `record` for any other project is a set lookup and nothing else. Sending never delays or
 * fails the request that caused the event; an engine that cannot take them loses them.
 */
@Injectable()
export class DebugFeed implements OnApplicationShutdown {
  private readonly logger = new Logger('DebugFeed');
  /** Projects watched, as the engine said at the last poll, plus those this instance just minted for. */
  private watched: ReadonlySet<string> = new Set();
  private readonly mintedHere = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();
  private flushTimer?: NodeJS.Timeout;
  private pollTimer?: NodeJS.Timeout;
  private failing = false;

  constructor(
    private readonly engine: EngineClient,
    private readonly signer: TokenSigner,
    private readonly probe: ControlChannelProbe,
    private readonly clock: Clock,
  ) {}

  /** The hot paths ask this first: for an unwatched project nothing else happens. */
  isWatched(projectId: string): boolean {
    return this.watched.has(projectId);
  }

  record(projectId: string, event: DebugEvent): void {
    if (!this.watched.has(projectId)) return;
    let pending = this.pending.get(projectId);
    if (!pending) this.pending.set(projectId, (pending = { events: [], dropped: 0 }));
    if (pending.events.length < MAX_EVENTS_PER_BATCH) pending.events.push({ ...event, at: new Date(this.clock.now()).toISOString() });
    else pending.dropped++;
    this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** The server process polls the engine (a one-off process such as the CLI never does). */
  watch(): void {
    if (this.pollTimer || !this.engine.configured) return;
    this.pollTimer = setInterval(() => void this.poll(), POLL_MS).unref();
    void this.poll();
  }

  onApplicationShutdown(): void {
    clearInterval(this.pollTimer);
    clearTimeout(this.flushTimer);
  }

  /**
   * A connection token for the console: subscribed server-side to the project's debug channel and to the
   * watchers' channel (which is how every instance learns the project is watched). No project claim: it can
   * subscribe to nothing else, and it counts as none of the project's live connections.
   */
  async watcherToken(projectId: string): Promise<WatcherToken> {
    if (this.probe.state === 'unknown') await this.probe.check();
    if (!this.probe.available) throw new ServiceUnavailableException(this.probe.unavailableMessage('The debug feed is'));
    const iat = Math.floor(this.clock.now() / 1000);
    const channel = debugChannel(projectId);
    const token = this.signer.sign({
      sub: WATCHER_USER,
      iat,
      exp: iat + WATCHER_TOKEN_TTL_SECONDS,
      channels: [channel, DEBUG_WATCHERS_CHANNEL],
      info: { project: projectId },
    });
    this.mintedHere.set(projectId, this.clock.now() + LOCAL_WATCH_GRACE_MS);
    this.watched = new Set([...this.watched, projectId]);
    return { token, channel, expiresInSeconds: WATCHER_TOKEN_TTL_SECONDS };
  }

  /** Which projects the consoles connected anywhere watch (one engine call, whatever the number of projects). */
  private async poll(): Promise<void> {
    const watched = new Set<string>();
    try {
      const answer = await this.engine.api('presence', { channel: DEBUG_WATCHERS_CHANNEL });
      const parsed = JSON.parse(answer.body.toString('utf8')) as {
        result?: { presence?: Record<string, { conn_info?: { project?: unknown } }> };
      };
      for (const entry of Object.values(parsed.result?.presence ?? {}))
        if (typeof entry.conn_info?.project === 'string') watched.add(entry.conn_info.project);
    } catch {
      // The engine is unreachable: nothing could be sent anyway; the feed resumes when it answers.
    }
    const now = this.clock.now();
    for (const [projectId, until] of this.mintedHere)
      if (until > now) watched.add(projectId);
      else this.mintedHere.delete(projectId);
    this.watched = watched;
  }

  /** One engine call for every project's batch of this interval. */
  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    const commands = [...this.pending].map(([projectId, { events, dropped }]) => ({
      publish: { channel: debugChannel(projectId), data: { events, ...(dropped > 0 && { dropped }) } satisfies DebugBatch },
    }));
    this.pending.clear();
    try {
      const answer = await this.engine.api('batch', { commands, parallel: true });
      if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`);
      this.failing = false;
    } catch (error) {
      // Said once per outage: the feed is a diagnostic, it must never flood the log it helps to read.
      if (!this.failing)
        this.logger.warn(`Debug events could not be sent to the engine (${(error as Error).message}); later ones will be tried.`);
      this.failing = true;
    }
  }
}
