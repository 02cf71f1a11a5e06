import { Injectable } from '@nestjs/common';
import type { AuthenticatedProject } from '../../../domain/access/key-check';
import { EngineClient, type EngineApiMethod, type EngineResponse } from '../../../platform/engine/engine.client';
import { Metrics } from '../../../platform/metrics/metrics';
import { assertChannelsAllowed } from '../../../domain/access/channel-access';
import { engineChannelGlobs } from '../../../domain/channels/engine-channel-globs';
import { DebugFeed } from '../../../domain/live/debug-feed';

/** The most channels one listing returns; `truncated: true` says there were more (the first by name are kept). */
export const MAX_LISTED_CHANNELS = 1000;

/**
 * The engine's API on a project's behalf (publish, broadcast, presence, history, channels): every channel is
 * checked against the project's policy before anything reaches the engine, and the engine's answer comes back
 * unchanged, except the channel list, which is filtered to the project's channels and capped.
 */
@Injectable()
export class EngineApiService {
  constructor(
    private readonly engine: EngineClient,
    private readonly metrics: Metrics,
    private readonly debug: DebugFeed,
  ) {}

  /** `rawBody` is forwarded byte for byte, once `channel` (read from exactly those bytes) is the project's. */
  async publish(project: AuthenticatedProject, channel: string, rawBody: Buffer): Promise<EngineResponse> {
    assertChannelsAllowed(project, [channel]);
    const answer = await this.engine.publish(rawBody);
    this.metrics.published(project.projectSlug);
    if (this.debug.isWatched(project.projectId)) this.debug.record(project.projectId, { type: 'publish', channel, bytes: rawBody.length });
    return answer;
  }

  /** `rawBody` is forwarded byte for byte, once every channel in `channels` is the project's. */
  async broadcast(project: AuthenticatedProject, channels: string[], rawBody: Buffer): Promise<EngineResponse> {
    assertChannelsAllowed(project, channels);
    const answer = await this.engine.api('broadcast', rawBody);
    this.metrics.published(project.projectSlug);
    if (this.debug.isWatched(project.projectId))
      this.debug.record(project.projectId, { type: 'broadcast', channels, bytes: rawBody.length });
    return answer;
  }

  /** presence, presence_stats or history of one of the project's channels. */
  query(
    project: AuthenticatedProject,
    method: Extract<EngineApiMethod, 'presence' | 'presence_stats' | 'history'>,
    request: { channel: string },
  ): Promise<EngineResponse> {
    assertChannelsAllowed(project, [request.channel]);
    return this.engine.api(method, request);
  }

  /**
   * The engine's active channels, of this project's only: never another project's names. The engine is asked
   * with the project's patterns (one call per pattern), so another tenant's channels cost this call nothing
   * (except the few a glob's wider reach may let through, filtered out here); at most MAX_LISTED_CHANNELS come back.
   */
  async channels(project: AuthenticatedProject): Promise<EngineResponse> {
    const globs = engineChannelGlobs(project.channels.patterns);
    const requests = globs === undefined ? [{}] : globs.map((pattern) => ({ pattern }));
    const answers = await Promise.all(requests.map((request) => this.engine.api('channels', request)));
    const own = new Map<string, unknown>();
    for (const answer of answers) {
      const listed = listedChannels(answer);
      if (!listed) return answer; // the engine's own error, unchanged
      for (const [channel, info] of Object.entries(listed)) if (project.channels.allows(channel)) own.set(channel, info);
    }
    const names = [...own.keys()].sort();
    const channels = Object.fromEntries(names.slice(0, MAX_LISTED_CHANNELS).map((name) => [name, own.get(name)]));
    const result = { channels, truncated: names.length > MAX_LISTED_CHANNELS };
    return { status: 200, contentType: 'application/json', body: Buffer.from(JSON.stringify({ result })) };
  }
}

/** The `{channel: info}` map of a successful answer (the engine leaves out an empty one); undefined for its own error. */
function listedChannels(answer: EngineResponse): Record<string, unknown> | undefined {
  if (answer.status !== 200) return undefined;
  const parsed = parseJson(answer.body) as { result?: { channels?: Record<string, unknown> } } | undefined;
  return parsed?.result ? (parsed.result.channels ?? {}) : undefined;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
