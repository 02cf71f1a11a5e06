import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsString, Max, Min, ValidateIf } from 'class-validator';
import { IsOmittable, IsUuid } from '../../../http/validation';
import { API_KEY_KINDS, CLIENT_KEY_PURPOSE } from '../../../domain/projects/api-key';
import { AuditEntryView } from '../../../domain/audit/audit-entry.view';
import { KeyView, ProjectView } from '../../../domain/projects/project.views';
import { MAX_RATE_LIMIT } from '../../../domain/projects/projects.service';
import { MAX_NAME_LENGTH } from '../../../domain/vocabulary';
import { MAX_PATTERNS } from '../../../domain/channels/channel-policy';

/*
 * The admin API's request and response shapes. They check types only: the rules on values (name length,
 * the pattern grammar, the rate-limit range) live once, in ProjectsService, which the CLI uses too.
 */

/** What a project is set up with, at creation or later. */
class ProjectSettingsDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['*:acme.*', 'public:shared.*'],
    maxItems: MAX_PATTERNS,
    description:
      "Channel patterns; a new project owns `*:<slug>.*` unless given. They must not overlap another project's patterns (409). " +
      'Giving them makes an unrestricted project restricted.',
  })
  @IsOmittable()
  @IsArray({ message: 'channels must be an array of patterns' })
  @IsString({ each: true, message: 'channels must contain only strings' })
  channels?: string[];

  @ApiPropertyOptional({
    description:
      'true: the project reaches every channel (`*:*` and `*`), like the dev project, and is the only kind excluded from the ' +
      'no-overlap rule. false (with channels): restrict it again.',
  })
  @IsOmittable()
  @IsBoolean({ message: 'unrestricted must be true or false' })
  unrestricted?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: MAX_RATE_LIMIT,
    description: 'Requests per minute; null: the deployment default.',
  })
  @ValidateIf((_object, value) => value !== undefined && value !== null)
  @IsInt({ message: 'rateLimitPerMinute must be an integer or null' })
  rateLimitPerMinute?: number | null;
}

export class CreateProjectDto extends ProjectSettingsDto {
  @ApiProperty({ example: 'Acme', maxLength: MAX_NAME_LENGTH })
  @IsString({ message: 'name must be a string' })
  name: string;
}

/** Only what is given changes. */
export class UpdateProjectDto extends ProjectSettingsDto {
  @ApiPropertyOptional({ example: 'Acme Inc.', maxLength: MAX_NAME_LENGTH })
  @IsOmittable()
  @IsString({ message: 'name must be a string' })
  name?: string;
}

export class CreateKeyDto {
  @ApiProperty({ enum: API_KEY_KINDS })
  @IsIn(API_KEY_KINDS as string[], { message: `kind must be one of: ${API_KEY_KINDS.join(', ')}` })
  kind: string;
}

export const MAX_PAGE_SIZE = 100;
export const MAX_PAGE = 1_000_000;

export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOmittable()
  @Type(() => Number)
  @IsInt({ message: `page must be a whole number from 1 to ${MAX_PAGE}` })
  @Min(1, { message: `page must be a whole number from 1 to ${MAX_PAGE}` })
  @Max(MAX_PAGE, { message: `page must be a whole number from 1 to ${MAX_PAGE}` })
  page?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOmittable()
  @Type(() => Number)
  @IsInt({ message: `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  @Min(1, { message: `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  @Max(MAX_PAGE_SIZE, { message: `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  pageSize?: number;
}

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the entries of this project.' })
  @IsOmittable()
  @IsUuid({ message: 'projectId must be a UUID' })
  projectId?: string;
}

/** A project with its live connections, as the admin API lists it (null: the engine could not say). */
export class LiveProjectDto extends ProjectView {
  @ApiProperty({ type: 'integer', nullable: true, description: 'Live connections now, on every engine node (null: unknown).' })
  connections: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Distinct user ids among them (null: unknown).' })
  users: number | null;
}

export class DisconnectedProjectDto {
  @ApiProperty({ description: 'How many live connections of the project were closed.' }) disconnected: number;
}

export class DebugFeedDto {
  @ApiProperty({
    description:
      "A connection token (JWT) for the engine, subscribed server-side to the project's debug channel only. Connect with it to `websocketPath`.",
  })
  token: string;
  @ApiProperty({ example: 'xshathra:debug.0b6d…', description: 'The channel whose publications are the debug events.' })
  channel: string;
  @ApiProperty({ example: 600, description: 'Seconds until the token expires; ask again for a new one.' })
  expiresInSeconds: number;
  @ApiProperty({ example: '/realtime/connection/websocket', description: "The engine's WebSocket endpoint on this service's origin." })
  websocketPath: string;
}

export class CreatedProjectDto {
  @ApiProperty() project: ProjectView;
  @ApiProperty({
    example: 'xs_sk_…',
    description: 'Shown once: only its hash is kept. For your backend: it mints tokens and publishes (`Authorization: apikey <key>`).',
  })
  serverApiKey: string;
  @ApiProperty({
    example: 'xs_pk_…',
    description: `Shown once: only its hash is kept. The client key (\`xs_pk_…\`) is ${CLIENT_KEY_PURPOSE}.`,
  })
  clientApiKey: string;
}

export class ProjectPageDto {
  @ApiProperty({ type: [LiveProjectDto] }) projects: LiveProjectDto[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export class CreatedKeyDto {
  @ApiProperty() apiKey: KeyView;
  @ApiProperty({
    description: `Shown once: only its hash is kept. A server key is for your backend; a client key is ${CLIENT_KEY_PURPOSE}.`,
  })
  key: string;
}

export class KeyListDto {
  @ApiProperty({ type: [KeyView] }) keys: KeyView[];
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryView] }) entries: AuditEntryView[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}
