import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import { EntityManager, IsNull } from 'typeorm';
import type { Actor } from '../audit/actor';
import { AuditLog, type AuditRecord } from '../audit/audit-log';
import type { ApiKeyKind } from './api-key';
import { ApiKey } from './api-key.entity';
import { Project } from './project.entity';

export interface NewKey {
  kind: ApiKeyKind;
  prefix: string;
  hash: string;
}

export type ProjectChange = Partial<Pick<Project, 'name' | 'channelPatterns' | 'unrestricted' | 'rateLimitPerMinute' | 'disabledAt'>>;

/** A project as the channel-overlap rule sees it. */
export type PatternOwner = Pick<Project, 'id' | 'name' | 'slug' | 'channelPatterns' | 'unrestricted'>;

/** Any constant of our own: pattern changes take this transaction-scoped advisory lock, one at a time. */
const PATTERN_CHANGE_LOCK = 0x78_73_70_61; // "xspa"

/** Everything the service needs from the projects and api_keys tables, and nothing more. */
@Injectable()
export class ProjectsRepository {
  constructor(@InjectEntityManager() private readonly manager: EntityManager) {}

  /** Runs `work` in one transaction, with a repository bound to it. */
  transaction<T>(work: (tx: ProjectsRepository) => Promise<T>): Promise<T> {
    return this.manager.transaction((manager) => work(new ProjectsRepository(manager)));
  }

  audit(actor: Actor, record: AuditRecord): Promise<unknown> {
    return AuditLog.append(this.manager, actor, record);
  }

  async createProject(
    fields: Pick<Project, 'name' | 'slug' | 'channelPatterns' | 'unrestricted' | 'rateLimitPerMinute'>,
  ): Promise<Project> {
    return this.manager.save(this.manager.create(Project, fields));
  }

  slugExists(slug: string): Promise<boolean> {
    return this.manager.exists(Project, { where: { slug } });
  }

  /**
   * Inside a transaction: waits until no other transaction is changing channel patterns, so that two
   * projects checked against each other at once cannot both pass (on every instance: the lock is the database's).
   */
  async lockPatternChanges(): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock($1)', [PATTERN_CHANGE_LOCK]);
  }

  /** Every project's patterns (disabled ones too: a project may be enabled again). */
  listPatternOwners(): Promise<PatternOwner[]> {
    return this.manager.find(Project, {
      select: { id: true, name: true, slug: true, channelPatterns: true, unrestricted: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  listProjects(page?: { offset: number; limit: number }): Promise<[Project[], number]> {
    return this.manager.findAndCount(Project, { order: { createdAt: 'ASC', id: 'ASC' }, skip: page?.offset, take: page?.limit });
  }

  findProject(id: string): Promise<Project | null> {
    return this.manager.findOne(Project, { where: { id } });
  }

  findProjectBySlug(slug: string): Promise<Project | null> {
    return this.manager.findOne(Project, { where: { slug } });
  }

  async updateProject(id: string, change: ProjectChange): Promise<void> {
    await this.manager.update(Project, { id }, change);
  }

  createKey(projectId: string, key: NewKey): Promise<ApiKey> {
    return this.manager.save(this.manager.create(ApiKey, { ...key, projectId }));
  }

  listKeys(projectId: string): Promise<ApiKey[]> {
    return this.manager.find(ApiKey, { where: { projectId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findKey(id: string): Promise<ApiKey | null> {
    return this.manager.findOne(ApiKey, { where: { id } });
  }

  /** The key with this id and its project, whatever their state (the caller decides what is usable). */
  findKeyWithProject(id: string): Promise<ApiKey | null> {
    return this.manager.findOne(ApiKey, { where: { id }, relations: { project: true } });
  }

  /** Revokes the key unless it already is; returns whether this call revoked it. */
  async revokeKey(id: string, at: Date): Promise<boolean> {
    const result = await this.manager.update(ApiKey, { id, revokedAt: IsNull() }, { revokedAt: at });
    return (result.affected ?? 0) > 0;
  }

  /** The key with this hash and its project, whatever their state (the caller decides what is usable). */
  getKeyByHash(hash: string): Promise<ApiKey | null> {
    return this.manager.findOne(ApiKey, { where: { hash }, relations: { project: true } });
  }

  /** One write for many keys: last_used_at is kept up to date in batches, not per request. */
  async touchKeys(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.manager.createQueryBuilder().update(ApiKey).set({ lastUsedAt: at }).where('id IN (:...ids)', { ids }).execute();
  }
}
