import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiForbiddenResponse,
  ApiGatewayTimeoutResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthenticatedProject } from '../../../domain/access/key-check';
import { CurrentProject } from '../../../http/auth/current-project.decorator';
import { ServerKeyRoute } from '../../../http/auth/route-access';
import { ErrorResponseDto } from '../../../http/error-response.dto';
import { RawBody } from '../../../http/raw-body.decorator';
import { relay } from '../../../platform/engine/relay';
import { engineReply } from '../../../platform/engine/engine-replies.schema';
import { assertBroadcastRequest, MAX_BROADCAST_CHANNELS } from './publish-request';
import { MAX_CHANNEL_LENGTH } from '../../../domain/channels/channel-name';
import { EngineApiService, MAX_LISTED_CHANNELS } from './engine-api.service';
import { ChannelRequestDto, HistoryRequestDto } from './dto/channel-requests.dto';
import { PUBLISH_OPTION_PROPERTIES } from './dto/publish-options.schema';

/** The engine's answer comes back as it is: its errors too, as 200 with `error` instead of `result`. */
const RELAYED = "The engine's status and body, unchanged (Centrifugo reports its own errors as 200 with `error`).";

@ApiTags('channels')
@ServerKeyRoute()
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'An invalid body. Nothing reaches the engine.' })
@ApiForbiddenResponse({
  type: ErrorResponseDto,
  description: "A channel outside the project's channel policy. Nothing reaches the engine.",
})
@ApiBadGatewayResponse({ type: ErrorResponseDto, description: "The engine is unreachable (or refused this service's API key)." })
@ApiServiceUnavailableResponse({
  type: ErrorResponseDto,
  description: 'CENTRIFUGO_UPSTREAM_URL and/or CENTRIFUGO_API_KEY is not configured.',
})
@ApiGatewayTimeoutResponse({ type: ErrorResponseDto, description: 'The engine did not answer in time.' })
@Controller('api/realtime')
/** broadcast, presence, presence-stats, history and channels (publish has its own controller for its OpenAPI tag). */
export class ChannelsController {
  constructor(private readonly engineApi: EngineApiService) {}

  @Post('broadcast')
  @HttpCode(200)
  @ApiOkResponse({ schema: engineReply('BroadcastReply'), description: RELAYED })
  @ApiBody({
    description: `Forwarded unchanged to the engine's \`POST /api/broadcast\`, once every channel (at most ${MAX_BROADCAST_CHANNELS}) is the project's.`,
    schema: {
      type: 'object',
      required: ['channels', 'data'],
      properties: {
        channels: {
          type: 'array',
          items: { type: 'string', maxLength: MAX_CHANNEL_LENGTH },
          example: ['public:acme.a', 'public:acme.b'],
        },
        data: { example: { text: 'hi' } },
        ...PUBLISH_OPTION_PROPERTIES,
      },
      additionalProperties: true,
    },
  })
  async broadcast(
    @CurrentProject() project: AuthenticatedProject,
    @Body() body: unknown,
    @RawBody() rawBody: Buffer,
    @Res() response: Response,
  ): Promise<void> {
    relay(response, await this.engineApi.broadcast(project, assertBroadcastRequest(body, rawBody), rawBody));
  }

  @Post('presence')
  @HttpCode(200)
  @ApiOkResponse({ schema: engineReply('PresenceReply'), description: RELAYED })
  async presence(
    @CurrentProject() project: AuthenticatedProject,
    @Body() body: ChannelRequestDto,
    @Res() response: Response,
  ): Promise<void> {
    relay(response, await this.engineApi.query(project, 'presence', { channel: body.channel }));
  }

  @Post('presence-stats')
  @HttpCode(200)
  @ApiOkResponse({ schema: engineReply('PresenceStatsReply'), description: RELAYED })
  async presenceStats(
    @CurrentProject() project: AuthenticatedProject,
    @Body() body: ChannelRequestDto,
    @Res() response: Response,
  ): Promise<void> {
    relay(response, await this.engineApi.query(project, 'presence_stats', { channel: body.channel }));
  }

  @Post('history')
  @HttpCode(200)
  @ApiOkResponse({ schema: engineReply('HistoryReply'), description: RELAYED })
  async history(
    @CurrentProject() project: AuthenticatedProject,
    @Body() body: HistoryRequestDto,
    @Res() response: Response,
  ): Promise<void> {
    const { channel, limit, since, reverse } = body;
    const request = {
      channel,
      ...(limit !== undefined && { limit }),
      ...(since && { since: { offset: since.offset, epoch: since.epoch } }),
      ...(reverse !== undefined && { reverse }),
    };
    relay(response, await this.engineApi.query(project, 'history', request));
  }

  @Post('channels')
  @HttpCode(200)
  @ApiOkResponse({
    schema: engineReply('ChannelsReply'),
    description:
      `\`{"result":{"channels":{"public:acme.lobby":{"num_clients":2}},"truncated":false}}\`: the engine's active channels ` +
      `that are the project's, at most ${MAX_LISTED_CHANNELS} (the first by name); \`truncated\` is true when there are more.`,
  })
  async list(@CurrentProject() project: AuthenticatedProject, @Res() response: Response): Promise<void> {
    relay(response, await this.engineApi.channels(project));
  }
}
