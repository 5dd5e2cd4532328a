import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../libs/database/src/data-source.options';

export async function migrateDatabase(url: string): Promise<void> {
  const dataSource = new DataSource(buildDataSourceOptions({ url, poolSize: 2 }));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
