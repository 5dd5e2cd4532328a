import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@app/database';
import { ENTITIES } from '../../ormconfig';
import { createTestDatabase } from '../support/database';

describe('schema drift', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource({ ...buildDataSourceOptions({ url: db.url, entities: ENTITIES, poolSize: 2 }) });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('the entities describe exactly the schema the migrations build (TypeORM would generate nothing)', async () => {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });
});
