import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/**
 * Nest's console logger, writing everything to stderr: stdout belongs to the command's answer (with --json,
 * exactly one JSON object), so that a warning never corrupts what a script parses.
 */
export class CliLogger extends ConsoleLogger {
  constructor() {
    super({ logLevels: ['error', 'warn'] });
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack);
  }
}
