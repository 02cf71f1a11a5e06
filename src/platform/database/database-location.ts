import { OnApplicationShutdown } from '@nestjs/common';
import type { DatabaseConfig } from '../config/app.config';
import { openEmbeddedDatabase } from './embedded-postgres';

/** Where the database is: DATABASE_URL, or the embedded development cluster when it is unset. */
export class DatabaseLocation implements OnApplicationShutdown {
  private constructor(
    readonly url: string,
    private readonly stopEmbedded: () => Promise<void>,
  ) {}

  static async resolve(config: DatabaseConfig): Promise<DatabaseLocation> {
    if (config.databaseUrl) return new DatabaseLocation(config.databaseUrl, () => Promise.resolve());
    // Progress notices (the first run's cluster creation), not warnings; on stderr, which --json leaves alone.
    const database = await openEmbeddedDatabase(config.dataDir, (line) => process.stderr.write(line + '\n'));
    return new DatabaseLocation(database.url, () => database.stop());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopEmbedded();
  }
}
