import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import type { ApiKeyKind } from './api-key';
import { ApiKey } from './api-key.entity';
import { Project } from './project.entity';

export interface NewKey {
  kind: ApiKeyKind;
  prefix: string;
  hash: string;
}

/** Everything the service needs from the projects and api_keys tables, and nothing more. */
@Injectable()
export class ProjectsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get projects() {
    return this.dataSource.getRepository(Project);
  }

  private get keys() {
    return this.dataSource.getRepository(ApiKey);
  }

  /** Creates a project and its first keys in one transaction. */
  createProjectWithKeys(fields: Pick<Project, 'name' | 'slug' | 'channelPatterns'>, keys: NewKey[]): Promise<{ project: Project; keys: ApiKey[] }> {
    return this.dataSource.transaction(async (manager) => {
      const project = await manager.save(manager.create(Project, fields));
      const saved = await manager.save(keys.map((key) => manager.create(ApiKey, { ...key, projectId: project.id })));
      return { project, keys: saved };
    });
  }

  slugExists(slug: string): Promise<boolean> {
    return this.projects.exists({ where: { slug } });
  }

  listProjects(): Promise<Project[]> {
    return this.projects.find({ order: { createdAt: 'ASC' } });
  }

  findProject(id: string): Promise<Project | null> {
    return this.projects.findOne({ where: { id } });
  }

  async disableProject(id: string, at: Date): Promise<Project | null> {
    await this.projects.update({ id, disabledAt: IsNull() }, { disabledAt: at });
    return this.findProject(id);
  }

  async setChannelPatterns(id: string, channelPatterns: string[]): Promise<Project | null> {
    await this.projects.update({ id }, { channelPatterns });
    return this.findProject(id);
  }

  async setRateLimit(id: string, rateLimitPerMinute: number | null): Promise<Project | null> {
    await this.projects.update({ id }, { rateLimitPerMinute });
    return this.findProject(id);
  }

  createKey(projectId: string, key: NewKey): Promise<ApiKey> {
    return this.keys.save(this.keys.create({ ...key, projectId }));
  }

  listKeys(projectId: string): Promise<ApiKey[]> {
    return this.keys.find({ where: { projectId }, order: { createdAt: 'ASC' } });
  }

  findKey(id: string): Promise<ApiKey | null> {
    return this.keys.findOne({ where: { id } });
  }

  async revokeKey(id: string, at: Date): Promise<ApiKey | null> {
    await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: at });
    return this.findKey(id);
  }

  /** The key with this hash and its project, whatever their state (the caller decides what is usable). */
  getKeyByHash(hash: string): Promise<ApiKey | null> {
    return this.keys.findOne({ where: { hash }, relations: { project: true } });
  }

  /** One write for many keys: last_used_at is kept up to date in batches, not per request. */
  async touchKeys(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: at })
      .where('id IN (:...ids)', { ids })
      .execute();
  }
}
