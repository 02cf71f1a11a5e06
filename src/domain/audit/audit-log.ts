import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import { EntityManager } from 'typeorm';
import type { Actor } from './actor';
import { AuditEntry } from './audit-entry.entity';

export interface AuditRecord {
  action: string;
  projectId?: string | null;
  keyId?: string | null;
  /** Values before and after the change; never a key or a secret. */
  before?: object | null;
  after?: object | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  total: number;
}

/**
 * The append-only audit log: entries are written in the transaction of the change they describe, and read;
 * this class has no way to change or remove one (and the database refuses it anyway, see the migration).
 */
@Injectable()
export class AuditLog {
  constructor(@InjectEntityManager() private readonly manager: EntityManager) {}

  /** Appends within `manager`'s transaction, so that a change and its entry commit together. */
  static append(manager: EntityManager, actor: Actor, record: AuditRecord): Promise<unknown> {
    const entry = manager.create(AuditEntry, {
      actor: actor.kind,
      adminKeyId: actor.kind === 'admin-key' ? actor.adminKeyId : null,
      action: record.action,
      projectId: record.projectId ?? null,
      keyId: record.keyId ?? null,
      before: (record.before ?? null) as Record<string, unknown> | null,
      after: (record.after ?? null) as Record<string, unknown> | null,
    });
    return manager.save(entry);
  }

  /** Newest first, optionally for one project. */
  async list(filter: { projectId?: string; offset: number; limit: number }): Promise<AuditPage> {
    const [entries, total] = await this.manager.findAndCount(AuditEntry, {
      where: filter.projectId ? { projectId: filter.projectId } : {},
      order: { id: 'DESC' },
      skip: filter.offset,
      take: filter.limit,
    });
    return { entries, total };
  }
}
