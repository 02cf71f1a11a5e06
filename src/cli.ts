// First: on an unsupported Node, one clear line instead of a crash inside a dependency.
import './platform/node-version';
import 'reflect-metadata';
import { HttpException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs, USAGE, UsageError } from './api/cli/args';
import { CliLogger } from './api/cli/cli-logger';
import { CliModule } from './api/cli/cli.module';
import { runAdminKeyCommand, runAuditCommand } from './api/cli/admin-commands';
import { runProjectCommand, type CommandOutput } from './api/cli/commands';
import { AdminKeysService } from './domain/admin-keys/admin-keys.service';
import { AuditLog } from './domain/audit/audit-log';
import type { INestApplicationContext } from '@nestjs/common';
import type { ParsedArgs } from './api/cli/args';
import { ConfigError } from './platform/config/env.parser';
import { loadAppConfig } from './platform/config/app.config';
import { ProjectsService } from './domain/projects/projects.service';
import { StartupError } from './platform/startup-error';
import { ChannelPatternError } from './domain/channels/channel-policy';

/** Operator CLI: `npm run --silent cli -- <command>`. Exit codes: 0 done, 1 refused or failed, 2 usage. */
async function main(argv: string[]): Promise<number> {
  let json = false;
  try {
    const args = parseArgs(argv);
    json = args.json;
    if (args.options.help || args.words.length === 0) {
      process.stdout.write(USAGE + '\n');
      return args.options.help ? 0 : 2;
    }
    loadAppConfig(); // fail on a malformed variable before touching the database
    const context = await NestFactory.createApplicationContext(CliModule, { logger: new CliLogger() });
    try {
      const output = await run(context, args);
      process.stdout.write((json ? JSON.stringify(output.json) : output.text.join('\n')) + '\n');
      return output.failed ? 1 : 0;
    } finally {
      await context.close();
    }
  } catch (error) {
    const usage = error instanceof UsageError;
    const known =
      usage ||
      error instanceof HttpException ||
      error instanceof ConfigError ||
      error instanceof ChannelPatternError ||
      error instanceof StartupError;
    const message = known ? error.message : `Unexpected failure: ${(error as Error)?.message ?? error}`;
    if (json) process.stdout.write(JSON.stringify({ error: message }) + '\n');
    process.stderr.write(message + (usage ? `\n\n${USAGE}` : '') + '\n');
    return usage ? 2 : 1;
  }
}

/** Each command family with the service it needs. */
function run(context: INestApplicationContext, args: ParsedArgs): Promise<CommandOutput> {
  switch (args.words[0]) {
    case 'admin-keys':
      return runAdminKeyCommand(context.get(AdminKeysService), args);
    case 'audit':
      return runAuditCommand(context.get(AuditLog), context.get(ProjectsService), args);
    default:
      return runProjectCommand(context.get(ProjectsService), args);
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
