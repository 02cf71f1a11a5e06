import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedProject } from '../../../domain/access/key-check';
import { ChannelPolicy } from '../../../domain/channels/channel-policy';
import { CLIENT_SUBSCRIBE_NAMESPACE, suggestedClientChannel } from '../../../domain/channels/suggested-channel';
import { ProjectsService } from '../../../domain/projects/projects.service';
import { CurrentProject } from '../../../http/auth/current-project.decorator';
import { ServerKeyRoute } from '../../../http/auth/route-access';

export class KeyProjectDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Acme' }) name: string;
  @ApiProperty({ example: 'acme' }) slug: string;
  @ApiProperty({ type: [String], example: ['*:acme.*'], description: 'The channel patterns the project owns.' }) channels: string[];
  @ApiProperty({ description: 'Reaches every channel (like the dev project).' }) unrestricted: boolean;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'public:acme.lobby',
    description:
      `A channel of the project in the \`${CLIENT_SUBSCRIBE_NAMESPACE}:\` namespace, where a client subscribes with its connection ` +
      'token alone: what the example client and the test page use. null when no pattern allows one (see `note`).',
  })
  suggestedChannel: string | null;
  @ApiProperty({ description: 'One sentence on the suggestion, or on why there is none.' }) note: string;
}

/** What a server key belongs to: lets a client or a test page find its channels without asking the operator. */
@ApiTags('project')
@ServerKeyRoute()
@Controller('api/realtime')
export class ProjectController {
  constructor(private readonly projects: ProjectsService) {}

  @Get('project')
  @ApiOkResponse({ type: KeyProjectDto, description: "The key's project, its channel patterns and a channel to try first." })
  async project(@CurrentProject() caller: AuthenticatedProject): Promise<KeyProjectDto> {
    const { id, name, slug, channels, unrestricted } = await this.projects.getProject(caller.projectId);
    const suggestedChannel = suggestedClientChannel(new ChannelPolicy(channels)) ?? null;
    return {
      id,
      name,
      slug,
      channels,
      unrestricted,
      suggestedChannel,
      note: suggestedChannel
        ? `Clients subscribe to ${suggestedChannel} with a connection token alone; private:… channels of the project need a subscription token.`
        : `No channel pattern of this project allows a ${CLIENT_SUBSCRIBE_NAMESPACE}:… channel, the only namespace where a connection ` +
          'token alone may subscribe: use its private:… channels with a subscription token, or add a public:… pattern ' +
          '(projects set-channels).',
    };
  }
}
