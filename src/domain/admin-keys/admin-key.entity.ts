import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A key for the admin API (`xs_ak_…`); like project keys, only its SHA-256 hash and display prefix are kept. */
@Entity('admin_keys')
export class AdminKey {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_admin_keys' })
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  prefix: string;

  @Column('text', { unique: true })
  hash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
