import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { AuthenticatedProject } from '../../../domain/access/key-check';
import { LiveConnections } from '../../../domain/live/live-connections';
import { CurrentProject } from '../../../http/auth/current-project.decorator';
import { ServerKeyRoute } from '../../../http/auth/route-access';
import { ErrorResponseDto } from '../../../http/error-response.dto';
import {
  ConnectionCountsDto,
  ConnectionsRequestDto,
  DisconnectedDto,
  DisconnectRequestDto,
  UserConnectionsDto,
} from './dto/connections.dto';

/** The caller's project's live connections: counted, listed per user, and cut, never another project's. */
@ApiTags('connections')
@ServerKeyRoute()
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'An invalid body.' })
@ApiServiceUnavailableResponse({
  type: ErrorResponseDto,
  description: 'The engine has no `xshathra` namespace with presence on, or is not configured.',
})
@Controller('api/realtime')
export class ConnectionsController {
  constructor(private readonly live: LiveConnections) {}

  @Post('connections')
  @HttpCode(200)
  @ApiExtraModels(ConnectionCountsDto, UserConnectionsDto)
  @ApiOkResponse({
    description: '`{}`: the project\'s counts. `{"userId":"u"}`: that user\'s connections in this project.',
    schema: { oneOf: [{ $ref: getSchemaPath(ConnectionCountsDto) }, { $ref: getSchemaPath(UserConnectionsDto) }] },
  })
  async connections(
    @CurrentProject() project: AuthenticatedProject,
    @Body() body: ConnectionsRequestDto,
  ): Promise<ConnectionCountsDto | UserConnectionsDto> {
    if (body.userId === undefined) return this.live.counts(project.projectId);
    return { userId: body.userId, connections: await this.live.list(project.projectId, body.userId) };
  }

  @Post('disconnect')
  @HttpCode(200)
  @ApiOkResponse({ type: DisconnectedDto })
  async disconnect(@CurrentProject() project: AuthenticatedProject, @Body() body: DisconnectRequestDto): Promise<DisconnectedDto> {
    const disconnected = await this.live.disconnectUser(project.projectId, body.userId, {
      clientId: body.clientId,
      reconnect: body.reconnect,
    });
    return { disconnected };
  }
}
