import { BadGatewayException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { EngineClient, type EngineApiMethod } from '../../platform/engine/engine.client';
import { controlChannel } from '../channels/control-channel';
import { ControlChannelProbe } from './control-channel-probe';

/** A connection of a project: the engine's client id, and the token's `info` when it had one. */
export interface LiveConnection {
  clientId: string;
  info?: unknown;
}

export interface LiveCounts {
  connections: number;
  users: number;
}

/** Close codes the client sees (Centrifugo: 4000–4499 reconnect, 4500–4999 do not). */
export const DISCONNECT = {
  terminal: { code: 4501, reason: 'disconnected by the server' },
  reconnect: { code: 4001, reason: 'reconnect requested by the server' },
  projectDisabled: { code: 4502, reason: 'project disabled' },
} as const;

export type DisconnectReason = (typeof DISCONNECT)[keyof typeof DISCONNECT];

/** Engine commands sent in one batch call at most (a disabled project may have many connections). */
const MAX_BATCH = 500;

interface PresenceEntry {
  client: string;
  user: string;
  conn_info?: unknown;
}

/**
 * A project's live connections, from the engine's presence on its control channel (shared by every engine
 * node through the Redis engine), and cut with the engine's `disconnect` naming both the user and the client:
 * user ids are the customers' own, so user `42` of another project is never touched.
 */
@Injectable()
export class LiveConnections {
  constructor(
    private readonly engine: EngineClient,
    private readonly probe: ControlChannelProbe,
  ) {}

  get engineConfigured(): boolean {
    return this.probe.engineConfigured;
  }

  async counts(projectId: string): Promise<LiveCounts> {
    await this.assertAvailable();
    const result = await this.call<{ num_clients: number; num_users: number }>('presence_stats', { channel: controlChannel(projectId) });
    return { connections: result.num_clients, users: result.num_users };
  }

  /**
   * Counts for many projects in one engine call (a page of the admin list, a metrics sample); a project the
   * engine could not answer for is left out. Undefined when live connections are unavailable.
   */
  async countsOf(projectIds: readonly string[]): Promise<Map<string, LiveCounts> | undefined> {
    if (!this.probe.available || projectIds.length === 0) return this.probe.available ? new Map() : undefined;
    const counts = new Map<string, LiveCounts>();
    for (let start = 0; start < projectIds.length; start += MAX_BATCH) {
      const ids = projectIds.slice(start, start + MAX_BATCH);
      const replies = await this.batch(ids.map((id) => ({ presence_stats: { channel: controlChannel(id) } })));
      replies.forEach((reply, index) => {
        const stats = (reply as { presence_stats?: { num_clients: number; num_users: number } }).presence_stats;
        if (stats) counts.set(ids[index], { connections: stats.num_clients ?? 0, users: stats.num_users ?? 0 });
      });
    }
    return counts;
  }

  /** The project's live connections, optionally only those of one user. */
  async list(projectId: string, userId?: string): Promise<LiveConnection[]> {
    return (await this.presence(projectId))
      .filter((entry) => userId === undefined || entry.user === userId)
      .map((entry) => ({ clientId: entry.client, ...(entry.conn_info !== undefined && { info: entry.conn_info }) }));
  }

  /** Disconnects a user's connections of this project (or one of them); answers how many were cut. */
  async disconnectUser(projectId: string, userId: string, options: { clientId?: string; reconnect?: boolean } = {}): Promise<number> {
    const targets = (await this.presence(projectId)).filter(
      (entry) => entry.user === userId && (options.clientId === undefined || entry.client === options.clientId),
    );
    return this.disconnect(targets, options.reconnect ? DISCONNECT.reconnect : DISCONNECT.terminal);
  }

  /** Disconnects every live connection of the project, with a code that tells clients not to come back. */
  async disconnectAll(projectId: string, reason: DisconnectReason = DISCONNECT.terminal): Promise<number> {
    return this.disconnect(await this.presence(projectId), reason);
  }

  private async presence(projectId: string): Promise<PresenceEntry[]> {
    await this.assertAvailable();
    const result = await this.call<{ presence?: Record<string, PresenceEntry> }>('presence', { channel: controlChannel(projectId) });
    return Object.values(result.presence ?? {});
  }

  private async disconnect(targets: PresenceEntry[], reason: DisconnectReason): Promise<number> {
    for (let start = 0; start < targets.length; start += MAX_BATCH) {
      const commands = targets
        .slice(start, start + MAX_BATCH)
        .map((entry) => ({ disconnect: { user: entry.user, client: entry.client, disconnect: reason } }));
      await this.batch(commands);
    }
    return targets.length;
  }

  /** 503 saying why, unless the engine has the namespace (asked now when nothing is known yet, as in the CLI). */
  private async assertAvailable(): Promise<void> {
    if (this.probe.state === 'unknown') await this.probe.check();
    if (!this.probe.available) throw new ServiceUnavailableException(this.probe.unavailableMessage());
  }

  /** One engine method; its `result`, or 502 naming the engine's own error (a missing namespace is noted as such). */
  private async call<T>(method: EngineApiMethod, body: object): Promise<T> {
    const answer = parseAnswer<{ result?: T; error?: EngineError }>(await this.engine.api(method, body));
    if (answer.error) throw this.engineError(answer.error);
    return answer.result ?? ({} as T);
  }

  private async batch(commands: object[]): Promise<unknown[]> {
    const answer = parseAnswer<{ replies?: Array<{ error?: EngineError }>; error?: EngineError }>(
      await this.engine.api('batch', { commands, parallel: true }),
    );
    if (answer.error) throw this.engineError(answer.error);
    const failed = answer.replies?.find((reply) => reply.error)?.error;
    if (failed) throw this.engineError(failed);
    return answer.replies ?? [];
  }

  private engineError(error: EngineError): Error {
    if (error.code === UNKNOWN_CHANNEL || error.code === NOT_AVAILABLE) {
      this.probe.markMissing();
      return new ServiceUnavailableException(this.probe.unavailableMessage());
    }
    return new BadGatewayException(`The realtime engine answered error ${error.code} (${error.message}).`);
  }
}

interface EngineError {
  code: number;
  message: string;
}

/** Centrifugo: the channel's namespace is unknown (102); presence is off there (108). */
const UNKNOWN_CHANNEL = 102;
const NOT_AVAILABLE = 108;

function parseAnswer<T>(response: { status: number; body: Buffer }): T {
  if (response.status !== 200) throw new BadGatewayException(`The realtime engine answered HTTP ${response.status}.`);
  try {
    return JSON.parse(response.body.toString('utf8')) as T;
  } catch {
    throw new BadGatewayException('The realtime engine answered something that is not JSON.');
  }
}
