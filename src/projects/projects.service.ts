import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { Actor } from '../audit/actor';
import { ChannelPatternError, defaultChannelPatterns, validateChannelPatterns } from '../tenancy/channel-policy';
import { ApiKeyKind, API_KEY_KINDS, generateApiKey } from './api-key';
import { keyView, projectView, type KeyView, type ProjectView } from './dto/project.views';
import { ProjectChanges } from './project-changes';
import { ProjectsRepository, type ProjectChange } from './projects.repository';
import { slugify } from './slug';

export interface CreatedProject {
  project: ProjectView;
  serverApiKey: string;
  clientApiKey: string;
}

export interface CreatedKey {
  apiKey: KeyView;
  key: string;
}

export interface NewProject {
  name: string;
  /** Default: `*:<slug>.*`. */
  channels?: readonly string[];
  /** Default: null, the deployment's RATE_LIMIT_PER_MINUTE. */
  rateLimitPerMinute?: number | null;
}

export interface ProjectUpdate {
  name?: string;
  channels?: readonly string[];
  /** null: back to the deployment's default. */
  rateLimitPerMinute?: number | null;
}

export const MAX_NAME_LENGTH = 200;
export const MAX_RATE_LIMIT = 10_000_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Projects and their API keys: the one place for their rules, used by the CLI and the admin API alike.
 * Every change is written to the audit log in the same transaction, and announced to every instance
 * (ProjectChanges) once committed. A full key exists only in the value returned when it is created.
 */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly repository: ProjectsRepository,
    private readonly changes: ProjectChanges,
  ) {}

  async createProject(actor: Actor, request: NewProject): Promise<CreatedProject> {
    const name = checkedName(request.name);
    const channels = request.channels === undefined ? undefined : checkedPatterns(request.channels);
    const rateLimitPerMinute = checkedRateLimit(request.rateLimitPerMinute ?? null);
    const server = generateApiKey('server');
    const client = generateApiKey('client');
    const created = await retryOnSlugRace(() =>
      this.repository.transaction(async (tx) => {
        const slug = await uniqueSlug(tx, name);
        const project = await tx.createProject({
          name,
          slug,
          channelPatterns: channels ?? defaultChannelPatterns(slug),
          rateLimitPerMinute,
        });
        const keys = [
          await tx.createKey(project.id, { kind: 'server', prefix: server.prefix, hash: server.hash }),
          await tx.createKey(project.id, { kind: 'client', prefix: client.prefix, hash: client.hash }),
        ];
        const view = projectView(project);
        await tx.audit(actor, { action: 'project.create', projectId: project.id, after: { ...view, keys: keys.map(keyView) } });
        return view;
      }),
    );
    await this.changes.announce();
    return { project: created, serverApiKey: server.key, clientApiKey: client.key };
  }

  async listProjects(page?: { offset: number; limit: number }): Promise<{ projects: ProjectView[]; total: number }> {
    const [projects, total] = await this.repository.listProjects(page);
    return { projects: projects.map(projectView), total };
  }

  async getProject(id: string): Promise<ProjectView> {
    return projectView(await requireProject(this.repository, id));
  }

  /** Rename, change the channel patterns or the rate limit; only what is given changes. */
  async updateProject(actor: Actor, id: string, update: ProjectUpdate): Promise<ProjectView> {
    const change: ProjectChange = {};
    if (update.name !== undefined) change.name = checkedName(update.name);
    if (update.channels !== undefined) change.channelPatterns = checkedPatterns(update.channels);
    if (update.rateLimitPerMinute !== undefined) change.rateLimitPerMinute = checkedRateLimit(update.rateLimitPerMinute);
    if (Object.keys(change).length === 0) throw new BadRequestException('Nothing to change: give name, channels or rateLimitPerMinute.');
    return this.change(actor, id, 'project.update', change);
  }

  /** Disabling a disabled project changes nothing (its `disabledAt` stays, and nothing is audited). */
  disableProject(actor: Actor, id: string): Promise<ProjectView> {
    return this.change(actor, id, 'project.disable', { disabledAt: new Date() }, (project) => project.disabledAt === null);
  }

  enableProject(actor: Actor, id: string): Promise<ProjectView> {
    return this.change(actor, id, 'project.enable', { disabledAt: null }, (project) => project.disabledAt !== null);
  }

  async createKey(actor: Actor, projectId: string, kind: string): Promise<CreatedKey> {
    if (!API_KEY_KINDS.includes(kind as ApiKeyKind)) {
      throw new BadRequestException(`A key kind must be one of: ${API_KEY_KINDS.join(', ')}.`);
    }
    const generated = generateApiKey(kind as ApiKeyKind);
    const apiKey = await this.repository.transaction(async (tx) => {
      await requireProject(tx, projectId);
      const view = keyView(await tx.createKey(projectId, { kind: kind as ApiKeyKind, prefix: generated.prefix, hash: generated.hash }));
      await tx.audit(actor, { action: 'key.create', projectId, keyId: view.id, after: view });
      return view;
    });
    await this.changes.announce();
    return { apiKey, key: generated.key };
  }

  async listKeys(projectId: string): Promise<KeyView[]> {
    await requireProject(this.repository, projectId);
    return (await this.repository.listKeys(projectId)).map(keyView);
  }

  /** Revokes a key; with `projectId`, only a key of that project (the admin API's path names both). */
  async revokeKey(actor: Actor, keyId: string, projectId?: string): Promise<KeyView> {
    const revoked = await this.repository.transaction(async (tx) => {
      const key = await tx.findKey(requireUuid(keyId, 'key'));
      if (!key || (projectId !== undefined && key.projectId !== projectId)) throw new NotFoundException(`No API key with id ${keyId}.`);
      if (!(await tx.revokeKey(key.id, new Date()))) return keyView(key); // already revoked: nothing changes
      const after = keyView((await tx.findKey(key.id))!);
      await tx.audit(actor, { action: 'key.revoke', projectId: key.projectId, keyId: key.id, before: keyView(key), after });
      return after;
    });
    await this.changes.announce();
    return revoked;
  }

  private async change(
    actor: Actor,
    id: string,
    action: string,
    change: ProjectChange,
    applies: (project: ProjectView) => boolean = () => true,
  ): Promise<ProjectView> {
    const updated = await this.repository.transaction(async (tx) => {
      const before = projectView(await requireProject(tx, id));
      if (!applies(before)) return before;
      await tx.updateProject(before.id, change);
      const after = projectView((await tx.findProject(before.id))!);
      await tx.audit(actor, { action, projectId: before.id, before, after });
      return after;
    });
    await this.changes.announce();
    return updated;
  }
}

async function requireProject(repository: ProjectsRepository, id: string) {
  const project = await repository.findProject(requireUuid(id, 'project'));
  if (!project) throw new NotFoundException(`No project with id ${id}.`);
  return project;
}

function requireUuid(id: string, what: string): string {
  if (!UUID.test(id)) throw new BadRequestException(`A ${what} id is a UUID, got "${id}".`);
  return id;
}

/**
 * Two projects created at once with one name may both find the same slug free; the database's unique
 * constraint refuses the second, which then tries again and finds the next slug.
 */
async function retryOnSlugRace<T>(create: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (error) {
      const { code, constraint } = ((error as { driverError?: unknown }).driverError ?? error) as { code?: string; constraint?: string };
      if (code !== '23505' || !constraint?.includes('slug') || attempt === attempts) throw error;
    }
  }
}

async function uniqueSlug(repository: ProjectsRepository, name: string): Promise<string> {
  const base = slugify(name);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!(await repository.slugExists(candidate))) return candidate;
  }
}

function checkedName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > MAX_NAME_LENGTH)
    throw new BadRequestException(`A project name must be 1 to ${MAX_NAME_LENGTH} characters long.`);
  return trimmed;
}

function checkedRateLimit(limit: number | null): number | null {
  if (limit !== null && !(Number.isInteger(limit) && limit >= 1 && limit <= MAX_RATE_LIMIT)) {
    throw new BadRequestException(`A rate limit is a whole number of requests per minute from 1 to ${MAX_RATE_LIMIT}.`);
  }
  return limit;
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
