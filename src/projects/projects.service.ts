import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { ChannelPatternError, defaultChannelPatterns, validateChannelPatterns } from '../tenancy/channel-policy';
import { ApiKeyKind, API_KEY_KINDS, generateApiKey } from './api-key';
import { ApiKey } from './api-key.entity';
import { Project } from './project.entity';
import { ProjectChanges } from './project-changes';
import { ProjectsRepository } from './projects.repository';
import { slugify } from './slug';

export interface CreatedProject {
  project: Project;
  serverApiKey: string;
  clientApiKey: string;
}

export interface CreatedKey {
  apiKey: ApiKey;
  key: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NAME_LENGTH = 200;
const MAX_RATE_LIMIT = 10_000_000;

/** Projects and their API keys. A full key exists only in the value returned when it is created. */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly repository: ProjectsRepository,
    private readonly changes: ProjectChanges,
  ) {}

  /** A project owns `*:<slug>.*` unless `channelPatterns` says otherwise. */
  async createProject(name: string, channelPatterns?: readonly string[]): Promise<CreatedProject> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > MAX_NAME_LENGTH) {
      throw new BadRequestException(`A project name must be 1 to ${MAX_NAME_LENGTH} characters long.`);
    }
    const patterns = channelPatterns && checkedPatterns(channelPatterns);
    const slug = await this.uniqueSlug(trimmed);
    const server = generateApiKey('server');
    const client = generateApiKey('client');
    const fields = { name: trimmed, slug, channelPatterns: patterns ?? defaultChannelPatterns(slug) };
    const { project } = await this.repository.createProjectWithKeys(fields, [
      { kind: 'server', prefix: server.prefix, hash: server.hash },
      { kind: 'client', prefix: client.prefix, hash: client.hash },
    ]);
    return { project, serverApiKey: server.key, clientApiKey: client.key };
  }

  listProjects(): Promise<Project[]> {
    return this.repository.listProjects();
  }

  async disableProject(id: string): Promise<Project> {
    const project = await this.repository.disableProject(this.requireUuid(id, 'project'), new Date());
    if (!project) throw new NotFoundException(`No project with id ${id}.`);
    await this.changes.announce();
    return project;
  }

  async setChannelPatterns(id: string, channelPatterns: readonly string[]): Promise<Project> {
    const patterns = checkedPatterns(channelPatterns);
    const project = await this.repository.setChannelPatterns(this.requireUuid(id, 'project'), patterns);
    if (!project) throw new NotFoundException(`No project with id ${id}.`);
    await this.changes.announce();
    return project;
  }

  /** null: back to the deployment's default. */
  async setRateLimit(id: string, rateLimitPerMinute: number | null): Promise<Project> {
    if (rateLimitPerMinute !== null && !(Number.isInteger(rateLimitPerMinute) && rateLimitPerMinute >= 1 && rateLimitPerMinute <= MAX_RATE_LIMIT)) {
      throw new BadRequestException(`A rate limit is a whole number of requests per minute from 1 to ${MAX_RATE_LIMIT}.`);
    }
    const project = await this.repository.setRateLimit(this.requireUuid(id, 'project'), rateLimitPerMinute);
    if (!project) throw new NotFoundException(`No project with id ${id}.`);
    await this.changes.announce();
    return project;
  }

  async createKey(projectId: string, kind: string): Promise<CreatedKey> {
    if (!API_KEY_KINDS.includes(kind as ApiKeyKind)) {
      throw new BadRequestException(`A key kind must be one of: ${API_KEY_KINDS.join(', ')}.`);
    }
    await this.requireProject(projectId);
    const generated = generateApiKey(kind as ApiKeyKind);
    const apiKey = await this.repository.createKey(projectId, { kind: kind as ApiKeyKind, prefix: generated.prefix, hash: generated.hash });
    await this.changes.announce();
    return { apiKey, key: generated.key };
  }

  async listKeys(projectId: string): Promise<ApiKey[]> {
    await this.requireProject(projectId);
    return this.repository.listKeys(projectId);
  }

  async revokeKey(keyId: string): Promise<ApiKey> {
    const key = await this.repository.revokeKey(this.requireUuid(keyId, 'key'), new Date());
    if (!key) throw new NotFoundException(`No API key with id ${keyId}.`);
    await this.changes.announce();
    return key;
  }

  private async requireProject(id: string): Promise<Project> {
    const project = await this.repository.findProject(this.requireUuid(id, 'project'));
    if (!project) throw new NotFoundException(`No project with id ${id}.`);
    return project;
  }

  private requireUuid(id: string, what: string): string {
    if (!UUID.test(id)) throw new BadRequestException(`A ${what} id is a UUID, got "${id}".`);
    return id;
  }

  private async uniqueSlug(name: string): Promise<string> {
    const base = slugify(name);
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      if (!(await this.repository.slugExists(candidate))) return candidate;
    }
  }
}

/** The policy rules speak in ChannelPatternError; callers of this service get a 400. */
function checkedPatterns(patterns: readonly string[]): string[] {
  try {
    return validateChannelPatterns(patterns);
  } catch (error) {
    if (error instanceof ChannelPatternError) throw new BadRequestException(error.message);
    throw error;
  }
}
