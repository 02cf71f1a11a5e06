import { DataSource } from 'typeorm';
import { migrations } from '../migrations';
import { dataSourceOptions } from '../src/platform/database/data-source.options';
import { ENTITIES } from '../src/domain/entities';
import { runMigrationsLocked } from '../src/platform/database/migrate';
import { createScratchDatabase } from './support/test-database';

describe('migrations at startup', () => {
  it('run once when two instances start together on an empty database (advisory lock)', async () => {
    const scratch = await createScratchDatabase(process.env.XSHATHRA_TEST_ADMIN_URL!);
    const instances = [new DataSource(dataSourceOptions(scratch.url, ENTITIES)), new DataSource(dataSourceOptions(scratch.url, ENTITIES))];
    try {
      await Promise.all(instances.map((ds) => ds.initialize()));
      const applied = await Promise.all(instances.map((ds) => runMigrationsLocked(ds)));

      // One instance applied everything; the other waited for the lock and found nothing left to do.
      expect(applied.map((names) => names.length).sort()).toEqual([0, migrations.length]);
      const rows = await instances[0].query('SELECT name FROM migrations ORDER BY id');
      expect(rows).toEqual(migrations.map((migration) => ({ name: migration.name })));
      const tables = await instances[0].query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('projects', 'api_keys') ORDER BY 1",
      );
      expect(tables).toEqual([{ table_name: 'api_keys' }, { table_name: 'projects' }]);
      // The entities and the migrations describe the same schema: TypeORM finds nothing to generate.
      const drift = await instances[0].driver.createSchemaBuilder().log();
      expect(drift.upQueries.map((query) => query.query)).toEqual([]);
    } finally {
      await Promise.all(instances.map((ds) => (ds.isInitialized ? ds.destroy() : Promise.resolve())));
      await scratch.drop();
    }
  });

  it('makes projects that existed before channel policies unrestricted, so that none is locked out', async () => {
    const scratch = await createScratchDatabase(process.env.XSHATHRA_TEST_ADMIN_URL!);
    const before = new DataSource({ ...dataSourceOptions(scratch.url, ENTITIES), migrations: migrations.slice(0, 1) });
    const after = new DataSource(dataSourceOptions(scratch.url, ENTITIES));
    try {
      await before.initialize();
      await runMigrationsLocked(before);
      await before.query(`INSERT INTO projects (name, slug) VALUES ('Old', 'old')`);
      await before.destroy();

      await after.initialize();
      expect(await runMigrationsLocked(after)).toEqual(migrations.slice(1).map((migration) => migration.name));
      expect(await after.query('SELECT slug, channel_patterns FROM projects')).toEqual([{ slug: 'old', channel_patterns: ['*:*', '*'] }]);
      // New rows get their policy from the application; the column has no default to fall back on.
      await expect(after.query(`INSERT INTO projects (name, slug) VALUES ('New', 'new')`)).rejects.toThrow(/channel_patterns/);
    } finally {
      if (before.isInitialized) await before.destroy();
      if (after.isInitialized) await after.destroy();
      await scratch.drop();
    }
  });
});
