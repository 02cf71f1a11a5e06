import { CLI_ACTOR } from '../../domain/audit/actor';
import { CLIENT_KEY_PURPOSE } from '../../domain/projects/api-key';
import type { KeyView, ProjectView } from '../../domain/projects/project.views';
import { checkedKeyKind, ProjectsService } from '../../domain/projects/projects.service';
import { parseChannelPatternList } from '../../domain/channels/channel-policy';
import { ParsedArgs, requireOption, requireWord, UsageError } from './args';
import { table } from './format';

/** What a command prints: the object for --json, the lines for people. */
export interface CommandOutput {
  json: object;
  text: string[];
  /** The command ran, and its answer is a "no" (exit code 1): `projects check` finding overlaps. */
  failed?: boolean;
}

/**
 * The operator's project and key commands; every change is audited as made by `cli`. A project is named by
 * its id or its slug alike. --json answers in the admin API's shapes (ProjectView, KeyView, and for a
 * creation the same object as its POST).
 */
export async function runProjectCommand(service: ProjectsService, args: ParsedArgs): Promise<CommandOutput> {
  const [noun, verb] = args.words;
  /** The id of the project named (id or slug) by word `index`, or by --project. */
  const projectAt = async (index: number) => (await service.findProject(requireWord(args, index, 'PROJECT'))).id;
  const projectOption = async () => (await service.findProject(requireOption(args, 'project'))).id;
  switch (`${noun} ${verb}`) {
    case 'projects create': {
      const channels = args.options.channels === undefined ? undefined : parseChannelPatternList(args.options.channels);
      const created = await service.createProject(CLI_ACTOR, {
        name: requireOption(args, 'name'),
        channels,
        unrestricted: args.options.unrestricted === 'true',
      });
      const { project, serverApiKey, clientApiKey } = created;
      return {
        json: created,
        text: [
          `Created project "${project.name}" (slug ${project.slug}, id ${project.id}).`,
          `Server API key (shown once; keep it on your backend): ${serverApiKey}`,
          `Client API key (shown once; ${CLIENT_KEY_PURPOSE}): ${clientApiKey}`,
          `Channels it owns: ${owns(project)}`,
          `Next: XSHATHRA_SERVER_API_KEY=${serverApiKey} node examples/node-client.mjs`,
        ],
      };
    }
    case 'projects show': {
      const project = await service.findProject(requireWord(args, 2, 'PROJECT'));
      const keys = await service.listKeys(project.id);
      return {
        json: { project, keys },
        text: [
          `Project "${project.name}"`,
          `  id:          ${project.id}`,
          `  slug:        ${project.slug}`,
          `  state:       ${project.disabledAt ? `disabled since ${project.disabledAt}` : 'enabled'}`,
          `  channels:    ${owns(project)}`,
          `  rate limit:  ${rateLimit(project)}`,
          `  created:     ${project.createdAt}`,
          '',
          ...keyTable(keys),
        ],
      };
    }
    case 'projects check': {
      const overlaps = await service.findOverlaps();
      return {
        json: { overlaps },
        text: overlaps.length
          ? overlaps.map(({ projects: [a, b] }) => `Overlap: ${a.slug} (${a.id}) "${a.pattern}" and ${b.slug} (${b.id}) "${b.pattern}"`)
          : ['No two restricted projects own a common channel.'],
        failed: overlaps.length > 0,
      };
    }
    case 'projects list': {
      const { projects } = await service.listProjects();
      return {
        json: { projects },
        text: projects.length
          ? table(
              ['ID', 'SLUG', 'STATE', 'NAME', 'CHANNELS'],
              projects.map((p) => [
                p.id,
                p.slug,
                p.disabledAt ? `disabled ${p.disabledAt}` : 'enabled',
                p.name,
                p.unrestricted ? 'UNRESTRICTED (every channel)' : p.channels.join(','),
              ]),
            )
          : ['No projects yet. Create one with: projects create --name NAME'],
      };
    }
    case 'projects disable': {
      const project = await service.disableProject(CLI_ACTOR, await projectAt(2));
      return { json: project, text: [`Project ${project.slug} (${project.id}) is disabled (since ${project.disabledAt}).`] };
    }
    case 'projects enable': {
      const project = await service.enableProject(CLI_ACTOR, await projectAt(2));
      return { json: project, text: [`Project ${project.slug} (${project.id}) is enabled.`] };
    }
    case 'projects set-channels': {
      requireWord(args, 2, 'PROJECT');
      const unrestricted = args.options.unrestricted === 'true';
      if (unrestricted && args.words[3] !== undefined) throw new UsageError('Give either PATTERNS or --unrestricted, not both');
      const update = unrestricted ? { unrestricted } : { channels: parseChannelPatternList(requireWord(args, 3, 'PATTERNS')) };
      const project = await service.updateProject(CLI_ACTOR, await projectAt(2), update);
      const what = project.unrestricted ? 'every channel (unrestricted)' : `the channels: ${project.channels.join(', ')}`;
      return { json: project, text: [`Project ${project.slug} (${project.id}) now owns ${what}`] };
    }
    case 'projects set-rate-limit': {
      requireWord(args, 2, 'PROJECT');
      const value = requireWord(args, 3, 'LIMIT');
      if (value !== 'default' && !/^\d+$/.test(value))
        throw new UsageError(`LIMIT is a number of requests per minute or "default", got "${value}"`);
      const rateLimitPerMinute = value === 'default' ? null : Number(value);
      const project = await service.updateProject(CLI_ACTOR, await projectAt(2), { rateLimitPerMinute });
      return { json: project, text: [`Project ${project.slug} (${project.id}) is limited to ${rateLimit(project)}.`] };
    }
    case 'keys create': {
      const kind = checkedKeyKind(requireOption(args, 'kind'));
      const created = await service.createKey(CLI_ACTOR, await projectOption(), kind);
      const { apiKey, key } = created;
      const purpose = kind === 'client' ? `; ${CLIENT_KEY_PURPOSE}` : '; keep it on your backend';
      return {
        json: created,
        text: [`Created ${apiKey.kind} key ${apiKey.id} (${apiKey.prefix}…).`, `Key (shown once${purpose}): ${key}`],
      };
    }
    case 'keys rotate': {
      const rotated = await service.rotateServerKey(CLI_ACTOR, await projectOption());
      const { apiKey, key, revoked } = rotated;
      return {
        json: rotated,
        text: [
          `Created server key ${apiKey.id} (${apiKey.prefix}…).`,
          `Server API key (shown once; keep it on your backend): ${key}`,
          revoked.length
            ? `Revoked the previous server key(s): ${revoked.map((k) => `${k.id} (${k.prefix}…)`).join(', ')}.`
            : 'There was no active server key to revoke.',
        ],
      };
    }
    case 'keys list': {
      const keys = await service.listKeys(await projectOption());
      return { json: { keys }, text: keyTable(keys) };
    }
    case 'keys revoke': {
      const key = await service.revokeKey(CLI_ACTOR, requireWord(args, 2, 'KEY_ID'));
      return { json: key, text: [`Key ${key.id} (${key.prefix}…) is revoked (since ${key.revokedAt}).`] };
    }
    default:
      throw new UsageError(noun ? `Unknown command "${args.words.join(' ')}"` : 'No command given');
  }
}

const owns = (project: ProjectView) => (project.unrestricted ? 'every channel (unrestricted)' : project.channels.join(', '));

const rateLimit = (project: ProjectView) =>
  project.rateLimitPerMinute === null
    ? 'the deployment default (RATE_LIMIT_PER_MINUTE)'
    : `${project.rateLimitPerMinute} requests per minute`;

function keyTable(keys: readonly KeyView[]): string[] {
  if (keys.length === 0) return ['No keys.'];
  return table(
    ['KEY ID', 'KIND', 'PREFIX', 'STATE', 'LAST USED'],
    keys.map((k) => [k.id, k.kind, `${k.prefix}…`, k.revokedAt ? `revoked ${k.revokedAt}` : 'active', k.lastUsedAt ?? 'never']),
  );
}
