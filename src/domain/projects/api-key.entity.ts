import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ApiKeyKind } from './api-key';
import { Project } from './project.entity';

@Entity('api_keys')
@Check('CHK_api_keys_kind', `"kind" IN ('server', 'client')`)
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('IDX_api_keys_project')
  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @ManyToOne(() => Project, (project) => project.keys, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'FK_api_keys_project' })
  project: Project;

  @Column('text')
  kind: ApiKeyKind;

  /** The first characters of the key, safe to show in listings. */
  @Column('text')
  prefix: string;

  /** SHA-256 (hex) of the whole key; the key itself is never stored. */
  @Column('text', { unique: true })
  hash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
