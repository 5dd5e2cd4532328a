import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS, buildDataSourceOptions } from '@app/database';
import { ENTITIES } from '../../ormconfig';
import { withDatabase } from '../support/database';

describe('the schema', () => {
  const name = `gw_empty${Date.now() % 100000}_${inject('templateDatabase').split('_').pop()}`;
  const adminUrl = inject('adminDatabaseUrl');
  const url = withDatabase(adminUrl, name);

  afterAll(async () => {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('builds from every migration on an empty database, matches the entities exactly, and reverts cleanly', async () => {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();

    const dataSource = new DataSource(buildDataSourceOptions({ url, entities: ENTITIES, poolSize: 2 }));
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => new m().name));

      // What `npm run migration:generate` would write: nothing, or the entities and migrations disagree.
      const drift = await dataSource.driver.createSchemaBuilder().log();
      expect(drift.upQueries.map((q) => q.query)).toEqual([]);

      for (let i = 0; i < MIGRATIONS.length; i++) {
        await dataSource.undoLastMigration({ transaction: 'each' });
      }
      const { rows } = await dataSource.driver.createQueryRunner('master').query(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`,
      ).then((r: { n: number }[]) => ({ rows: r }));
      expect(rows[0].n).toBe(0);
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
  });
});
