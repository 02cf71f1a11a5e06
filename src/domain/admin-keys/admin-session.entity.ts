import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AdminKey } from './admin-key.entity';

/** A console session (see AdminSessions): only the SHA-256 of its random id is kept, never the id itself. */
@Entity('admin_sessions')
export class AdminSession {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_admin_sessions' })
  id: string;

  @Column({ name: 'token_hash', type: 'text', unique: true })
  tokenHash: string;

  @Index('IDX_admin_sessions_admin_key')
  @Column({ name: 'admin_key_id', type: 'uuid' })
  adminKeyId: string;

  /** A session goes with its admin key. */
  @ManyToOne(() => AdminKey, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'admin_key_id', foreignKeyConstraintName: 'FK_admin_sessions_admin_key' })
  adminKey?: AdminKey;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;

  /** The absolute end (sign-in + ADMIN_SESSION_MAX_HOURS); idleness ends it earlier. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
