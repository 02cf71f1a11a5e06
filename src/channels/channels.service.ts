import { Injectable } from '@nestjs/common';
import type { AuthenticatedProject } from '../auth/authenticated-request';
import { EngineClient, type EngineApiMethod, type EngineResponse } from '../engine/engine.client';
import { Metrics } from '../metrics/metrics';
import { assertChannelsAllowed } from '../tenancy/channel-access';

/**
 * The engine's channel API (broadcast, presence, history, channels), scoped to the calling project: every
 * channel is checked against the project's policy before anything reaches the engine, and the engine's
 * answer comes back unchanged, except the channel list, which is filtered to the project's channels.
 */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly engine: EngineClient,
    private readonly metrics: Metrics,
  ) {}

  /** `rawBody` is forwarded byte for byte, once every channel in `channels` is the project's. */
  async broadcast(project: AuthenticatedProject, channels: string[], rawBody: Buffer): Promise<EngineResponse> {
    assertChannelsAllowed(project, channels);
    const answer = await this.engine.api('broadcast', rawBody);
    this.metrics.published(project.projectSlug);
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

  /** The engine's active channels, of this project's only: never another project's names. */
  async channels(project: AuthenticatedProject): Promise<EngineResponse> {
    const answer = await this.engine.api('channels', {});
    const parsed = parseJson(answer.body) as { result?: { channels?: Record<string, unknown> } } | undefined;
    if (answer.status !== 200 || !parsed?.result?.channels) return answer; // the engine's own error, unchanged
    const own = Object.fromEntries(Object.entries(parsed.result.channels).filter(([channel]) => project.channels.allows(channel)));
    return { status: 200, contentType: 'application/json', body: Buffer.from(JSON.stringify({ result: { channels: own } })) };
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
