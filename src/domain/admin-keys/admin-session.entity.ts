import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A console session (see AdminSessions): only the SHA-256 of its random id is kept, never the id itself. */
@Entity('admin_sessions')
export class AdminSession {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_admin_sessions' })
  id: string;

  @Column({ name: 'token_hash', type: 'text', unique: true })
  tokenHash: string;

  @Column({ name: 'admin_key_id', type: 'uuid' })
  adminKeyId: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;

  /** The absolute end (sign-in + ADMIN_SESSION_MAX_HOURS); idleness ends it earlier. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
