import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.options';
import { runMigrationsLocked } from '../src/database/migrate';
import { createScratchDatabase } from './support/test-database';

describe('migrations at startup', () => {
  it('run once when two instances start together on an empty database (advisory lock)', async () => {
    const scratch = await createScratchDatabase(process.env.XSHATHRA_TEST_ADMIN_URL!);
    const instances = [new DataSource(dataSourceOptions(scratch.url)), new DataSource(dataSourceOptions(scratch.url))];
    try {
      await Promise.all(instances.map((ds) => ds.initialize()));
      const applied = await Promise.all(instances.map((ds) => runMigrationsLocked(ds)));

      // One instance applied everything; the other waited for the lock and found nothing left to do.
      expect(applied.map((names) => names.length).sort()).toEqual([0, 1]);
      const rows = await instances[0].query('SELECT name FROM migrations');
      expect(rows).toEqual([{ name: 'CreateProjectsAndApiKeys1764288000000' }]);
      const tables = await instances[0].query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('projects', 'api_keys') ORDER BY 1",
      );
      expect(tables).toEqual([{ table_name: 'api_keys' }, { table_name: 'projects' }]);
    } finally {
      await Promise.all(instances.map((ds) => (ds.isInitialized ? ds.destroy() : undefined)));
      await scratch.drop();
    }
  });
});
