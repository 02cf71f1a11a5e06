import { AdminKeysService } from '../../domain/admin-keys/admin-keys.service';
import { CLI_ACTOR } from '../../domain/audit/actor';
import { auditEntryView } from '../../domain/audit/audit-entry.view';
import { AuditLog } from '../../domain/audit/audit-log';
import { ProjectsService } from '../../domain/projects/projects.service';
import { ParsedArgs, requireOption, requireWord, UsageError } from './args';
import type { CommandOutput } from './commands';
import { changes, table } from './format';

/** `admin-keys create|list|revoke`: admin keys exist only through the CLI (an admin key cannot mint one). */
export async function runAdminKeyCommand(service: AdminKeysService, args: ParsedArgs): Promise<CommandOutput> {
  switch (args.words[1]) {
    case 'create': {
      const { adminKey, key } = await service.create(CLI_ACTOR, requireOption(args, 'name'));
      return {
        json: { ...adminKey, key },
        text: [`Created admin key "${adminKey.name}" (${adminKey.id}).`, `Admin key (shown once): ${key}`],
      };
    }
    case 'list': {
      const adminKeys = await service.list();
      return {
        json: { adminKeys },
        text: adminKeys.length
          ? table(
              ['ADMIN KEY ID', 'PREFIX', 'STATE', 'NAME'],
              adminKeys.map((k) => [k.id, `${k.prefix}…`, k.revokedAt ? `revoked ${k.revokedAt}` : 'active', k.name]),
            )
          : ['No admin keys yet. Create one with: admin-keys create --name NAME'],
      };
    }
    case 'revoke': {
      const adminKey = await service.revoke(CLI_ACTOR, requireWord(args, 2, 'ADMIN_KEY_ID'));
      return { json: adminKey, text: [`Admin key ${adminKey.id} (${adminKey.prefix}…) is revoked (since ${adminKey.revokedAt}).`] };
    }
    default:
      throw new UsageError(`Unknown command "${args.words.join(' ')}"`);
  }
}

const AUDIT_LIST_LIMIT = 100;

/** `audit list [--project ID|SLUG]`: the newest entries first, each with what changed (before → after). */
export async function runAuditCommand(audit: AuditLog, projects: ProjectsService, args: ParsedArgs): Promise<CommandOutput> {
  if (args.words[1] !== 'list') throw new UsageError(`Unknown command "${args.words.join(' ')}"`);
  const named = args.options.project;
  const projectId = named === undefined ? undefined : (await projects.findProject(named)).id;
  const { entries, total } = await audit.list({ projectId, offset: 0, limit: AUDIT_LIST_LIMIT });
  const views = entries.map(auditEntryView);
  return {
    json: { entries: views, total },
    text: views.length
      ? table(
          ['AT', 'ACTOR', 'ACTION', 'PROJECT', 'KEY', 'CHANGES'],
          views.map((e) => [
            e.at,
            e.actor === 'cli' ? 'cli' : `admin-key ${e.adminKeyId}`,
            e.action,
            e.projectId ?? '-',
            e.keyId ?? '-',
            changes(e.before, e.after),
          ]),
        )
      : ['No audit entries.'],
  };
}
