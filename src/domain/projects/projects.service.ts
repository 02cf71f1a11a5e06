import { BadRequestException, ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { Actor } from '../audit/actor';
import { DISCONNECT, LiveConnections, type DisconnectReason } from '../live/live-connections';
import { checkedDisplayName, isUuid, requireUuid } from '../vocabulary';
import { ChannelPatternError, defaultChannelPatterns, UNRESTRICTED_PATTERNS, validateChannelPatterns } from '../channels/channel-policy';
import { ApiKeyKind, API_KEY_KINDS, generateApiKey } from './api-key';
import { keyView, projectView, type KeyView, type ProjectView } from './project.views';
import { ProjectChanges } from './project-changes';
import { assertNoConflict, findConflict, findOverlaps, type Conflict, type PatternOverlap } from './pattern-ownership';
import { ProjectsRepository, type PatternOwner, type ProjectChange } from './projects.repository';
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

export interface RotatedKey extends CreatedKey {
  /** The server keys that were active before, now revoked. */
  revoked: KeyView[];
}

export interface NewProject {
  name: string;
  /** Default: `*:<slug>.*`. */
  channels?: readonly string[];
  /** Reaches every channel; excluded from the rule that two projects' patterns never overlap. */
  unrestricted?: boolean;
  /** Default: null, the deployment's RATE_LIMIT_PER_MINUTE. */
  rateLimitPerMinute?: number | null;
}

export interface ProjectUpdate {
  name?: string;
  /** Restricts the project to these patterns (it is no longer unrestricted). */
  channels?: readonly string[];
  /** true: reach every channel; false: only with `channels`. */
  unrestricted?: boolean;
  /** null: back to the deployment's default. */
  rateLimitPerMinute?: number | null;
}

export const MAX_RATE_LIMIT = 10_000_000;
/** How many slugs (`acme`, `acme-2`, …) a new project tries before its default patterns are called taken. */
const MAX_SLUG_CANDIDATES = 100;

/** What a change of a project may add to the update itself. */
interface ChangeSteps {
  /** Whether the change applies to the project as it is (false: nothing changes and nothing is audited). */
  applies?: (project: ProjectView) => boolean;
  /** Runs after the pattern lock is held, before the change: the place to refuse it. */
  check?: (tx: ProjectsRepository, project: ProjectView) => Promise<void>;
  /** Runs after the change, before it is audited; what it answers is recorded with the entry. */
  effect?: (project: ProjectView) => Promise<Record<string, unknown>>;
}

/**
 * Projects and their API keys: the one place for their rules, used by the CLI and the admin API alike.
 * Every change is written to the audit log in the same transaction, and announced to every instance
 * (ProjectChanges) once committed. A full key exists only in the value returned when it is created.
 */
@Injectable()
export class ProjectsService {
  private readonly logger = new Logger(ProjectsService.name);

  constructor(
    private readonly repository: ProjectsRepository,
    private readonly changes: ProjectChanges,
    private readonly live: LiveConnections,
  ) {}

  async createProject(actor: Actor, request: NewProject): Promise<CreatedProject> {
    const name = checkedName(request.name);
    const unrestricted = request.unrestricted === true;
    if (unrestricted && request.channels !== undefined)
      throw new BadRequestException('An unrestricted project reaches every channel: give either channels or unrestricted, not both.');
    const channels = unrestricted ? UNRESTRICTED_PATTERNS : request.channels === undefined ? undefined : checkedPatterns(request.channels);
    const rateLimitPerMinute = checkedRateLimit(request.rateLimitPerMinute ?? null);
    const server = generateApiKey('server');
    const client = generateApiKey('client');
    const created = await retryOnSlugRace(() =>
      this.repository.transaction(async (tx) => {
        await tx.lockPatternChanges();
        const owners = await tx.listPatternOwners();
        if (channels !== undefined && !unrestricted) await assertNoConflict(channels, owners);
        const slug = await uniqueSlug(tx, name, channels === undefined ? owners : undefined);
        const project = await tx.createProject({
          name,
          slug,
          channelPatterns: [...(channels ?? defaultChannelPatterns(slug))],
          unrestricted,
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

  /**
   * A project by its id or its slug: what the CLI accepts wherever it names a project. A slug is never a
   * UUID (slugify keeps it readable), so the two cannot be confused.
   */
  async findProject(idOrSlug: string): Promise<ProjectView> {
    const project = isUuid(idOrSlug) ? await this.repository.findProject(idOrSlug) : await this.repository.findProjectBySlug(idOrSlug);
    if (!project) throw new NotFoundException(`No project with the id or slug "${idOrSlug}".`);
    return projectView(project);
  }

  /** Rename, change the channel patterns or the rate limit; only what is given changes. */
  async updateProject(actor: Actor, id: string, update: ProjectUpdate): Promise<ProjectView> {
    const change: ProjectChange = {};
    if (update.name !== undefined) change.name = checkedName(update.name);
    Object.assign(change, checkedAccess(update));
    if (update.rateLimitPerMinute !== undefined) change.rateLimitPerMinute = checkedRateLimit(update.rateLimitPerMinute);
    if (Object.keys(change).length === 0)
      throw new BadRequestException('Nothing to change: give name, channels, unrestricted or rateLimitPerMinute.');
    const restrictedTo = change.unrestricted === false ? change.channelPatterns : undefined;
    return this.change(actor, id, 'project.update', change, {
      check: async (tx, project) => {
        if (restrictedTo) await assertNoConflict(restrictedTo, await tx.listPatternOwners(), project.id);
      },
    });
  }

  /** Pairs of restricted projects whose patterns overlap: made before the rule existed, or by hand in the database. */
  async findOverlaps(): Promise<PatternOverlap[]> {
    return findOverlaps(await this.repository.listPatternOwners());
  }

  /** Disabling a disabled project changes nothing (its `disabledAt` stays, and nothing is audited). */
  /**
   * Refuses the project's keys from now on, and cuts its live connections with a code that tells clients not to
   * come back (`project disabled`); the audit entry records how many were cut (null: the engine could not say).
   */
  disableProject(actor: Actor, id: string): Promise<ProjectView> {
    return this.change(
      actor,
      id,
      'project.disable',
      { disabledAt: new Date() },
      {
        applies: (project) => project.disabledAt === null,
        effect: async (project) => ({ disconnectedConnections: await this.cutConnections(project.id, DISCONNECT.projectDisabled) }),
      },
    );
  }

  enableProject(actor: Actor, id: string): Promise<ProjectView> {
    return this.change(actor, id, 'project.enable', { disabledAt: null }, { applies: (project) => project.disabledAt !== null });
  }

  /** Cuts every live connection of the project without disabling it (its keys keep working); audited with the count. */
  async disconnectProject(actor: Actor, id: string): Promise<{ disconnected: number }> {
    const project = projectView(await requireProject(this.repository, id));
    const disconnected = await this.live.disconnectAll(project.id, DISCONNECT.terminal);
    await this.repository.audit(actor, { action: 'project.disconnect', projectId: project.id, after: { disconnected } });
    return { disconnected };
  }

  /** How many connections were cut; null when the engine could not do it (disabling must not fail for that). */
  private async cutConnections(projectId: string, reason: DisconnectReason): Promise<number | null> {
    try {
      return await this.live.disconnectAll(projectId, reason);
    } catch (error) {
      // Without an engine configured (the CLI, usually) there is nothing to cut here: the audit entry says null.
      const level = this.live.engineConfigured ? 'warn' : 'debug';
      this.logger[level](`Could not cut the live connections of project ${projectId}: ${(error as Error).message}`);
      return null;
    }
  }

  async createKey(actor: Actor, projectId: string, kind: string): Promise<CreatedKey> {
    const keyKind = checkedKeyKind(kind);
    const generated = generateApiKey(keyKind);
    const apiKey = await this.repository.transaction(async (tx) => {
      await requireProject(tx, projectId);
      const view = keyView(await tx.createKey(projectId, { kind: keyKind, prefix: generated.prefix, hash: generated.hash }));
      await tx.audit(actor, { action: 'key.create', projectId, keyId: view.id, after: view });
      return view;
    });
    await this.changes.announce();
    return { apiKey, key: generated.key };
  }

  /**
   * Replaces a project's server key: a new one is created and every server key active until now is revoked,
   * in one transaction (audited as key.create, then key.revoke per old key). Tokens the old keys minted are
   * refused for client-side subscriptions at once; the backend must switch to the new key.
   */
  async rotateServerKey(actor: Actor, projectId: string): Promise<RotatedKey> {
    const generated = generateApiKey('server');
    const rotated = await this.repository.transaction(async (tx) => {
      await requireProject(tx, projectId);
      const previous = (await tx.listKeys(projectId)).filter((key) => key.kind === 'server' && !key.revokedAt);
      const apiKey = keyView(await tx.createKey(projectId, { kind: 'server', prefix: generated.prefix, hash: generated.hash }));
      await tx.audit(actor, { action: 'key.create', projectId, keyId: apiKey.id, after: apiKey });
      const revoked: KeyView[] = [];
      for (const key of previous) {
        if (!(await tx.revokeKey(key.id, new Date()))) continue; // revoked meanwhile by another call
        const after = keyView((await tx.findKey(key.id))!);
        await tx.audit(actor, { action: 'key.revoke', projectId, keyId: key.id, before: keyView(key), after });
        revoked.push(after);
      }
      return { apiKey, revoked };
    });
    await this.changes.announce();
    return { ...rotated, key: generated.key };
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

  private async change(actor: Actor, id: string, action: string, change: ProjectChange, steps: ChangeSteps = {}): Promise<ProjectView> {
    const { applies = () => true, check, effect } = steps;
    const updated = await this.repository.transaction(async (tx) => {
      if (check) await tx.lockPatternChanges();
      const before = projectView(await requireProject(tx, id));
      if (!applies(before)) return before;
      await check?.(tx, before);
      await tx.updateProject(before.id, change);
      const after = projectView((await tx.findProject(before.id))!);
      const effects = await effect?.(after);
      await tx.audit(actor, { action, projectId: before.id, before, after: { ...after, ...effects } });
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

/**
 * The first free slug for `name`: unused, and, when the project takes the default patterns (`owners` given),
 * one whose `*:<slug>.*` overlaps no other project's patterns (a project named "Shared" must not take over
 * another's `public:shared.*`; it becomes `shared-2`).
 */
async function uniqueSlug(repository: ProjectsRepository, name: string, owners?: readonly PatternOwner[]): Promise<string> {
  const base = slugify(name);
  let firstConflict: Conflict | undefined;
  for (let n = 1; n <= MAX_SLUG_CANDIDATES; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const conflict = owners && (await findConflict(defaultChannelPatterns(candidate), owners));
    firstConflict ??= conflict;
    if (!conflict && !(await repository.slugExists(candidate))) return candidate;
  }
  if (!firstConflict) throw new ConflictException(`No free slug for "${name}"; choose another name.`);
  throw new ConflictException(
    `Every default channel pattern for "${name}" overlaps another project's: "${firstConflict.other}" of project ` +
      `"${firstConflict.owner.name}" (${firstConflict.owner.slug}). Give this project explicit channels, or narrow that project's.`,
  );
}

/** `kind` when it names a key kind; 400 naming the kinds otherwise. */
export function checkedKeyKind(kind: string): ApiKeyKind {
  if (!API_KEY_KINDS.includes(kind as ApiKeyKind)) throw new BadRequestException(`A key kind must be one of: ${API_KEY_KINDS.join(', ')}.`);
  return kind as ApiKeyKind;
}

const checkedName = (name: string) => checkedDisplayName(name, 'A project name');

/** What `channels` and `unrestricted` in an update come to: both columns together, or neither. */
function checkedAccess(update: ProjectUpdate): Pick<ProjectChange, 'channelPatterns' | 'unrestricted'> {
  if (update.unrestricted === true) {
    if (update.channels !== undefined)
      throw new BadRequestException('An unrestricted project reaches every channel: give either channels or unrestricted, not both.');
    return { channelPatterns: [...UNRESTRICTED_PATTERNS], unrestricted: true };
  }
  if (update.channels !== undefined) return { channelPatterns: checkedPatterns(update.channels), unrestricted: false };
  if (update.unrestricted === false)
    throw new BadRequestException('To restrict a project, give the channels it keeps along with "unrestricted": false.');
  return {};
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
