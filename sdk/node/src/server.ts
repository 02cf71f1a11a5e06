import { checkedKey, checkedNumber, checkedOrigin, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, type ClientOptions } from './options.js';
import { Transport, type CallOptions } from './transport.js';
import type {
  BroadcastRequest,
  BroadcastResult,
  ChannelRequest,
  ChannelsResult,
  CreateSubscriptionTokenRequest,
  CreateTokenRequest,
  DisconnectRequest,
  DisconnectResult,
  HistoryRequest,
  HistoryResult,
  LiveCounts,
  PresenceResult,
  PresenceStatsResult,
  PublishRequest,
  PublishResult,
  SubscriptionTokenResponse,
  TokenResponse,
  UserConnections,
} from './types.js';

export interface XshathraServerOptions extends ClientOptions {
  /** The project's server key (`xs_sk_…`). Keep it on the server: it mints tokens and publishes for the whole project. */
  serverApiKey: string;
}

/**
 * The server API of one project (`/api/realtime/*`), for a backend holding the project's server key.
 * Every method throws an XshathraError on failure, including the engine's own refusals.
 */
export class XshathraServer {
  readonly #http: Transport;

  constructor(options: XshathraServerOptions) {
    const key = checkedKey(options?.serverApiKey, 'serverApiKey', 'xs_sk_');
    this.#http = new Transport({
      origin: checkedOrigin(options.origin),
      authorization: `apikey ${key}`,
      secret: key,
      timeoutMs: checkedNumber(options.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS, 1),
      retries: checkedNumber(options.retries, 'retries', DEFAULT_RETRIES, 0),
      fetch: options.fetch ?? globalThis.fetch,
    });
  }

  /** A connection JWT for one user (`POST /api/realtime/token`). */
  createToken(request: CreateTokenRequest, options?: CallOptions): Promise<TokenResponse> {
    return this.#post('/api/realtime/token', request, true, options);
  }

  /** A subscription JWT for one user and one channel (`POST /api/realtime/subscription-token`). */
  createSubscriptionToken(request: CreateSubscriptionTokenRequest, options?: CallOptions): Promise<SubscriptionTokenResponse> {
    return this.#post('/api/realtime/subscription-token', request, true, options);
  }

  /**
   * Publishes to one channel (`POST /api/realtime/publish`). Retried on 429/503 only with an `idempotency_key`:
   * without one, a retry could deliver the publication twice.
   */
  publish(request: PublishRequest, options?: CallOptions): Promise<PublishResult> {
    return this.#engine('/api/realtime/publish', request, hasIdempotencyKey(request), options);
  }

  /** Publishes the same data to many channels (`POST /api/realtime/broadcast`); retried like publish. Per-channel errors are in `responses`. */
  broadcast(request: BroadcastRequest, options?: CallOptions): Promise<BroadcastResult> {
    return this.#engine('/api/realtime/broadcast', request, hasIdempotencyKey(request), options);
  }

  /** Who is subscribed to a channel, by client id (`POST /api/realtime/presence`). */
  presence(request: ChannelRequest, options?: CallOptions): Promise<PresenceResult> {
    return this.#engine('/api/realtime/presence', request, true, options);
  }

  /** How many connections and users are subscribed to a channel (`POST /api/realtime/presence-stats`). */
  presenceStats(request: ChannelRequest, options?: CallOptions): Promise<PresenceStatsResult> {
    return this.#engine('/api/realtime/presence-stats', request, true, options);
  }

  /** A channel's recent publications and stream position (`POST /api/realtime/history`). */
  history(request: HistoryRequest, options?: CallOptions): Promise<HistoryResult> {
    return this.#engine('/api/realtime/history', request, true, options);
  }

  /** The project's active channels (`POST /api/realtime/channels`); `truncated` when there were more than listed. */
  channels(options?: CallOptions): Promise<ChannelsResult> {
    return this.#engine('/api/realtime/channels', {}, true, options);
  }

  /** The project's open connections: how many (no argument), or one user's (`POST /api/realtime/connections`). */
  connections(request?: Record<string, never>, options?: CallOptions): Promise<LiveCounts>;
  connections(request: { userId: string }, options?: CallOptions): Promise<UserConnections>;
  connections(request: { userId?: string } = {}, options?: CallOptions): Promise<LiveCounts | UserConnections> {
    return this.#post('/api/realtime/connections', request, true, options);
  }

  /** Closes a user's connections, or one of them (`POST /api/realtime/disconnect`). Safe to retry: a second call finds nothing more to close. */
  disconnect(request: DisconnectRequest, options?: CallOptions): Promise<DisconnectResult> {
    return this.#post('/api/realtime/disconnect', request, true, options);
  }

  #post<T>(path: string, body: unknown, retry: boolean, options?: CallOptions): Promise<T> {
    return this.#http.request<T>({ method: 'POST', path, body, retry }, options);
  }

  #engine<T>(path: string, body: unknown, retry: boolean, options?: CallOptions): Promise<T> {
    return this.#http.request<T>({ method: 'POST', path, body, retry, engine: true }, options);
  }
}

function hasIdempotencyKey(request: { idempotency_key?: string }): boolean {
  return typeof request?.idempotency_key === 'string' && request.idempotency_key.length > 0;
}
