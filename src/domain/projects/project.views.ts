import { ApiProperty } from '@nestjs/swagger';
import type { ApiKey } from './api-key.entity';
import type { Project } from './project.entity';

/** A project as the CLI prints it and the admin API answers it (also what the audit log keeps). */
export class ProjectView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Acme' }) name: string;
  @ApiProperty({ example: 'acme' }) slug: string;
  @ApiProperty({ type: [String], example: ['*:acme.*'] }) channels: string[];
  @ApiProperty({ description: "Reaches every channel, and is the only kind of project whose patterns may overlap another's." })
  unrestricted: boolean;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Requests per minute; null: the deployment default.' }) rateLimitPerMinute:
    number | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) disabledAt: string | null;
}

/** A key without its secret: the prefix is all that is ever shown after creation. */
export class KeyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty({ enum: ['server', 'client'] }) kind: string;
  @ApiProperty({ example: 'xs_sk_AbC123' }) prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) lastUsedAt: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) revokedAt: string | null;
}

export function projectView(project: Project): ProjectView {
  return {
    id: project.id,
    name: project.name,
    slug: project.slug,
    channels: project.channelPatterns,
    unrestricted: project.unrestricted,
    rateLimitPerMinute: project.rateLimitPerMinute,
    createdAt: project.createdAt.toISOString(),
    disabledAt: project.disabledAt?.toISOString() ?? null,
  };
}

export function keyView(key: ApiKey): KeyView {
  return {
    id: key.id,
    projectId: key.projectId,
    kind: key.kind,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}
