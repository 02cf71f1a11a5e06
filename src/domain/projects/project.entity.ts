import { Check, Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import type { ApiKey } from './api-key.entity';

@Entity('projects')
@Check('CHK_projects_rate_limit', `"rate_limit_per_minute" > 0`)
export class Project {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { unique: true })
  slug: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** The channel patterns this project owns (see src/tenancy/channel-policy.ts). */
  @Column('text', { name: 'channel_patterns', array: true })
  channelPatterns: string[];

  /** Reaches every channel (`*:*` and `*`); the only kind of project whose patterns may overlap another's. */
  @Column('boolean', { default: false })
  unrestricted: boolean;

  /** Requests per minute; null: the deployment's default (RATE_LIMIT_PER_MINUTE). */
  @Column({ name: 'rate_limit_per_minute', type: 'integer', nullable: true })
  rateLimitPerMinute: number | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @OneToMany('ApiKey', (key: ApiKey) => key.project)
  keys: ApiKey[];
}
