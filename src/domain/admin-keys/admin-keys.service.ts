import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import { EntityManager, IsNull } from 'typeorm';
import type { Actor } from '../audit/actor';
import { checkedDisplayName, requireUuid } from '../vocabulary';
import { AuditLog } from '../audit/audit-log';
import { generateApiKey } from '../projects/api-key';
import { ProjectChanges } from '../projects/project-changes';
import { AdminKey } from './admin-key.entity';

export interface AdminKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export const adminKeyView = (key: AdminKey): AdminKeyView => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  createdAt: key.createdAt.toISOString(),
  revokedAt: key.revokedAt?.toISOString() ?? null,
});

/**
 * Admin keys (`xs_ak_…`) for the admin API, managed with the CLI only: an admin key cannot mint another.
 * Stored like project keys (hash and display prefix); every change is audited.
 */
@Injectable()
export class AdminKeysService {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly changes: ProjectChanges,
  ) {}

  async create(actor: Actor, name: string): Promise<{ adminKey: AdminKeyView; key: string }> {
    const trimmed = checkedDisplayName(name, 'An admin key name');
    const generated = generateApiKey('admin');
    const adminKey = await this.manager.transaction(async (tx) => {
      const view = adminKeyView(await tx.save(tx.create(AdminKey, { name: trimmed, prefix: generated.prefix, hash: generated.hash })));
      await AuditLog.append(tx, actor, { action: 'admin-key.create', after: view });
      return view;
    });
    return { adminKey, key: generated.key };
  }

  async list(): Promise<AdminKeyView[]> {
    return (await this.manager.find(AdminKey, { order: { createdAt: 'ASC', id: 'ASC' } })).map(adminKeyView);
  }

  async revoke(actor: Actor, id: string): Promise<AdminKeyView> {
    requireUuid(id, 'admin key');
    const revoked = await this.manager.transaction(async (tx) => {
      const key = await tx.findOne(AdminKey, { where: { id } });
      if (!key) throw new NotFoundException(`No admin key with id ${id}.`);
      const result = await tx.update(AdminKey, { id, revokedAt: IsNull() }, { revokedAt: new Date() });
      if (!result.affected) return adminKeyView(key);
      const after = adminKeyView((await tx.findOne(AdminKey, { where: { id } }))!);
      await AuditLog.append(tx, actor, { action: 'admin-key.revoke', before: adminKeyView(key), after });
      return after;
    });
    await this.changes.announce();
    return revoked;
  }

  /** The active admin key with this hash, if any. */
  findActiveByHash(hash: string): Promise<AdminKey | null> {
    return this.manager.findOne(AdminKey, { where: { hash, revokedAt: IsNull() } });
  }
}
