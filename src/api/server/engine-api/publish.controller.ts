import { Body, Controller, Post, Res } from '@nestjs/common';
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
import { MAX_CHANNEL_LENGTH } from '../../../domain/channels/channel-name';
import { EngineApiService } from './engine-api.service';
import { assertPublishRequest } from './publish-request';
import { PUBLISH_OPTION_PROPERTIES } from './dto/publish-options.schema';

@ApiTags('publish')
@ServerKeyRoute()
@Controller('api/realtime')
export class PublishController {
  constructor(private readonly engineApi: EngineApiService) {}

  @Post('publish')
  @ApiBody({
    description: "Forwarded unchanged to the engine's `POST /api/publish` (Centrifugo publish request).",
    schema: {
      type: 'object',
      required: ['channel', 'data'],
      properties: {
        channel: { type: 'string', maxLength: MAX_CHANNEL_LENGTH, example: 'public:lobby' },
        data: { example: { type: 'ping', at: '2026-03-30T12:00:00.000Z' } },
        ...PUBLISH_OPTION_PROPERTIES,
      },
      additionalProperties: true,
    },
  })
  @ApiOkResponse({
    schema: engineReply('PublishReply'),
    description: 'The engine\'s status and body, unchanged: `{"result":{}}`, or `{"error":{"code":102,"message":"unknown channel"}}`.',
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: `Invalid JSON; no string \`channel\` (of at most ${MAX_CHANNEL_LENGTH} characters) or no \`data\`; a publish field in another case (\`CHANNEL\`) or a key given twice; a key named \`__proto__\`, \`constructor\` or \`prototype\`. Nothing is forwarded.`,
  })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: "The channel is outside the project's channel policy. Nothing is forwarded.",
  })
  @ApiBadGatewayResponse({ type: ErrorResponseDto, description: "The engine is unreachable (or refused this service's API key)." })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'CENTRIFUGO_UPSTREAM_URL and/or CENTRIFUGO_API_KEY is not configured.',
  })
  @ApiGatewayTimeoutResponse({ type: ErrorResponseDto, description: 'The engine did not answer in time.' })
  async publish(
    @CurrentProject() project: AuthenticatedProject,
    @Body() body: unknown,
    @RawBody() rawBody: Buffer,
    @Res() response: Response,
  ): Promise<void> {
    relay(response, await this.engineApi.publish(project, assertPublishRequest(body, rawBody), rawBody));
  }
}
