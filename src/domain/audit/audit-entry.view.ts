import { ApiProperty } from '@nestjs/swagger';
import type { AuditEntry } from './audit-entry.entity';

/** An audit entry as the CLI prints it and the admin API answers it. */
export class AuditEntryView {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: ['cli', 'admin-key'] }) actor: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) adminKeyId: string | null;
  @ApiProperty({ example: 'key.revoke' }) action: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) projectId: string | null;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) keyId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) before: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) after: Record<string, unknown> | null;
}

export function auditEntryView(entry: AuditEntry): AuditEntryView {
  return {
    id: String(entry.id),
    at: entry.at.toISOString(),
    actor: entry.actor,
    adminKeyId: entry.adminKeyId,
    action: entry.action,
    projectId: entry.projectId,
    keyId: entry.keyId,
    before: entry.before,
    after: entry.after,
  };
}
