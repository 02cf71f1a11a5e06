import { CLI_ACTOR } from '../../domain/audit/actor';
import { ProjectsService } from '../../domain/projects/projects.service';
import { parseChannelPatternList } from '../../domain/channels/channel-policy';
import { ParsedArgs, requireOption, requireWord, UsageError } from './args';

/** What a command prints: the object for --json, the lines for people. */
export interface CommandOutput {
  json: object;
  text: string[];
  /** The command ran, and its answer is a "no" (exit code 1): `projects check` finding overlaps. */
  failed?: boolean;
}

/** The operator's project and key commands; every change is audited as made by `cli`. */
export async function runProjectCommand(service: ProjectsService, args: ParsedArgs): Promise<CommandOutput> {
  const [noun, verb] = args.words;
  switch (`${noun} ${verb}`) {
    case 'projects create': {
      const channels = args.options.channels === undefined ? undefined : parseChannelPatternList(args.options.channels);
      const { project, serverApiKey, clientApiKey } = await service.createProject(CLI_ACTOR, {
        name: requireOption(args, 'name'),
        channels,
        unrestricted: args.options.unrestricted === 'true',
      });
      return {
        json: {
          id: project.id,
          name: project.name,
          slug: project.slug,
          channels: project.channels,
          unrestricted: project.unrestricted,
          serverApiKey,
          clientApiKey,
        },
        text: [
          `Created project "${project.name}" (slug ${project.slug}, id ${project.id}).`,
          `Server API key (shown once; keep it on your backend): ${serverApiKey}`,
          `Client API key (shown once): ${clientApiKey}`,
          project.unrestricted ? 'Channels it owns: every channel (unrestricted)' : `Channels it owns: ${project.channels.join(', ')}`,
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
          ? projects.map(
              (p) =>
                `${p.id}  ${p.slug}  ${p.disabledAt ? `disabled ${p.disabledAt}` : 'enabled'}  ${p.name}  ${p.unrestricted ? 'UNRESTRICTED (every channel)' : `channels ${p.channels.join(',')}`}`,
            )
          : ['No projects yet. Create one with: projects create --name NAME'],
      };
    }
    case 'projects disable': {
      const project = await service.disableProject(CLI_ACTOR, requireWord(args, 2, 'PROJECT_ID'));
      return { json: project, text: [`Project ${project.id} is disabled (since ${project.disabledAt}).`] };
    }
    case 'projects enable': {
      const project = await service.enableProject(CLI_ACTOR, requireWord(args, 2, 'PROJECT_ID'));
      return { json: project, text: [`Project ${project.id} is enabled.`] };
    }
    case 'projects set-channels': {
      const id = requireWord(args, 2, 'PROJECT_ID');
      const unrestricted = args.options.unrestricted === 'true';
      if (unrestricted && args.words[3] !== undefined) throw new UsageError('Give either PATTERNS or --unrestricted, not both');
      const update = unrestricted ? { unrestricted } : { channels: parseChannelPatternList(requireWord(args, 3, 'PATTERNS')) };
      const project = await service.updateProject(CLI_ACTOR, id, update);
      const owns = project.unrestricted ? 'every channel (unrestricted)' : `the channels: ${project.channels.join(', ')}`;
      return { json: project, text: [`Project ${project.id} now owns ${owns}`] };
    }
    case 'projects set-rate-limit': {
      const value = requireWord(args, 3, 'LIMIT');
      if (value !== 'default' && !/^\d+$/.test(value))
        throw new UsageError(`LIMIT is a number of requests per minute or "default", got "${value}"`);
      const rateLimitPerMinute = value === 'default' ? null : Number(value);
      const project = await service.updateProject(CLI_ACTOR, requireWord(args, 2, 'PROJECT_ID'), { rateLimitPerMinute });
      const limit =
        project.rateLimitPerMinute === null
          ? 'the deployment default (RATE_LIMIT_PER_MINUTE)'
          : `${project.rateLimitPerMinute} requests per minute`;
      return { json: project, text: [`Project ${project.id} is limited to ${limit}.`] };
    }
    case 'keys create': {
      const { apiKey, key } = await service.createKey(CLI_ACTOR, requireOption(args, 'project'), requireOption(args, 'kind'));
      return {
        json: { id: apiKey.id, projectId: apiKey.projectId, kind: apiKey.kind, key },
        text: [`Created ${apiKey.kind} key ${apiKey.id}.`, `Key (shown once): ${key}`],
      };
    }
    case 'keys list': {
      const keys = await service.listKeys(requireOption(args, 'project'));
      return {
        json: { keys },
        text: keys.map(
          (k) =>
            `${k.id}  ${k.kind.padEnd(6)}  ${k.prefix}…  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  last used ${k.lastUsedAt ?? 'never'}`,
        ),
      };
    }
    case 'keys revoke': {
      const key = await service.revokeKey(CLI_ACTOR, requireWord(args, 2, 'KEY_ID'));
      return { json: key, text: [`Key ${key.id} (${key.prefix}…) is revoked (since ${key.revokedAt}).`] };
    }
    default:
      throw new UsageError(noun ? `Unknown command "${args.words.join(' ')}"` : 'No command given');
  }
}
