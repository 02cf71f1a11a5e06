import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One change to projects or keys: who, what, which project and key, when, and the values around it (never a secret). */
@Entity('audit_log')
@Index('IDX_audit_log_project', ['projectId', 'id'])
export class AuditEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'PK_audit_log' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  /** `cli`, or `admin-key` (then adminKeyId says which). */
  @Column('text')
  actor: string;

  @Column({ name: 'admin_key_id', type: 'uuid', nullable: true })
  adminKeyId: string | null;

  @Column('text')
  action: string;

  @Column({ name: 'project_id', type: 'uuid', nullable: true })
  projectId: string | null;

  @Column({ name: 'key_id', type: 'uuid', nullable: true })
  keyId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;
}
