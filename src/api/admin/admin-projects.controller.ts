import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Actor } from '../../domain/audit/actor';
import { CurrentActor } from '../../http/auth/current-project.decorator';
import { AdminRoute } from '../../http/auth/route-access';
import { ErrorResponseDto } from '../../http/error-response.dto';
import { KeyView, ProjectView } from '../../domain/projects/project.views';
import { ProjectsService } from '../../domain/projects/projects.service';
import { LiveConnections } from '../../domain/live/live-connections';
import { DebugFeed } from '../../domain/live/debug-feed';
import { CLIENT_KEY_PURPOSE } from '../../domain/projects/api-key';
import {
  CreateKeyDto,
  CreatedKeyDto,
  CreatedProjectDto,
  CreateProjectDto,
  DebugFeedDto,
  DisconnectedProjectDto,
  KeyListDto,
  LiveProjectDto,
  PageQueryDto,
  ProjectPageDto,
  UpdateProjectDto,
} from './dto/admin.dto';
import { pageOf } from './pagination';

/** Where browsers connect to the engine through this service (the realtime proxy's WebSocket path). */
const REALTIME_WEBSOCKET_PATH = '/realtime/connection/websocket';

/** Projects and their keys, for the dashboard: the same service and rules as the CLI, audited per admin key. */
@ApiTags('admin')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'An invalid body, id or query (see `error` and `details`).' })
@AdminRoute()
@Controller('api/admin/projects')
export class AdminProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly live: LiveConnections,
    private readonly debug: DebugFeed,
  ) {}

  @Post()
  @ApiCreatedResponse({
    type: CreatedProjectDto,
    description: `The project and its first keys (shown once): a server key for your backend, and a client key, ${CLIENT_KEY_PURPOSE}.`,
  })
  @ApiConflictResponse({ type: ErrorResponseDto, description: "The channel patterns overlap another project's (the message names them)." })
  create(@CurrentActor() actor: Actor, @Body() body: CreateProjectDto): Promise<CreatedProjectDto> {
    return this.projects.createProject(actor, body);
  }

  @Get()
  @ApiOkResponse({ type: ProjectPageDto, description: 'Oldest first, each with its live connections (one engine call per page).' })
  async list(@Query() query: PageQueryDto): Promise<ProjectPageDto> {
    const page = pageOf(query);
    const { projects, total } = await this.projects.listProjects(page);
    return { projects: await this.withLiveCounts(projects), page: page.page, pageSize: page.pageSize, total };
  }

  @Get(':id')
  @ApiOkResponse({ type: LiveProjectDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('id') id: string): Promise<LiveProjectDto> {
    const [project] = await this.withLiveCounts([await this.projects.getProject(id)]);
    return project;
  }

  @Post(':id/disconnect')
  @HttpCode(200)
  @ApiOkResponse({
    type: DisconnectedProjectDto,
    description: 'Every live connection of the project is closed with a terminal code (4501); its keys keep working. Audited.',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The engine has no `xshathra` namespace, or is not configured.' })
  disconnect(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DisconnectedProjectDto> {
    return this.projects.disconnectProject(actor, id);
  }

  @Post(':id/debug-feed')
  @HttpCode(200)
  @ApiOkResponse({
    type: DebugFeedDto,
    description:
      "Watch the project's debug events live (what the console's Debug page shows): connect to `websocketPath` with `token`; every publication on `channel` is `{events: [...], dropped?}`. Events flow, from every instance, only while someone watches. Never a token, key or payload.",
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The engine has no `xshathra` namespace, or is not configured.' })
  async debugFeed(@Param('id') id: string): Promise<DebugFeedDto> {
    const project = await this.projects.getProject(id);
    return { ...(await this.debug.watcherToken(project.id)), websocketPath: REALTIME_WEBSOCKET_PATH };
  }

  /** Live counts for a page of projects in one engine call; null when the engine cannot say (never a failed listing). */
  private async withLiveCounts(projects: ProjectView[]): Promise<LiveProjectDto[]> {
    const counts = await this.live.countsOf(projects.map((project) => project.id)).catch(() => undefined);
    return projects.map((project) => {
      const live = counts?.get(project.id);
      return { ...project, connections: live?.connections ?? null, users: live?.users ?? null };
    });
  }

  @Patch(':id')
  @ApiOkResponse({ type: ProjectView, description: 'Renamed, and/or with new channel patterns or rate limit.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: "The channel patterns overlap another project's (the message names them)." })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateProjectDto): Promise<ProjectView> {
    return this.projects.updateProject(actor, id, body);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOkResponse({
    type: ProjectView,
    description:
      'Every key of the project is refused from now on (on every instance at once), and its live connections are closed with a terminal code (4502, `project disabled`).',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  disable(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ProjectView> {
    return this.projects.disableProject(actor, id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOkResponse({ type: ProjectView })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  enable(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ProjectView> {
    return this.projects.enableProject(actor, id);
  }

  @Post(':id/keys')
  @ApiCreatedResponse({ type: CreatedKeyDto, description: 'The full key, shown once.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  createKey(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: CreateKeyDto): Promise<CreatedKeyDto> {
    return this.projects.createKey(actor, id, body.kind);
  }

  @Get(':id/keys')
  @ApiOkResponse({ type: KeyListDto, description: 'Prefixes only.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async listKeys(@Param('id') id: string): Promise<KeyListDto> {
    return { keys: await this.projects.listKeys(id) };
  }

  @Delete(':id/keys/:keyId')
  @ApiOkResponse({ type: KeyView, description: 'The key, revoked (on every instance at once).' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such key in this project.' })
  revokeKey(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('keyId') keyId: string): Promise<KeyView> {
    return this.projects.revokeKey(actor, keyId, id);
  }
}
