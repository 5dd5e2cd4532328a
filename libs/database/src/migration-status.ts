import type { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';
import { MIGRATIONS_TABLE } from './data-source.options';

/** Names of migrations this build knows but the database has not applied. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource
    .query(`SELECT name FROM ${MIGRATIONS_TABLE}`)
    .then((rows: { name: string }[]) => new Set(rows.map((r) => r.name)))
    .catch(() => new Set<string>());
  return MIGRATIONS.map((m) => new m().name ?? m.name).filter((name): name is string => !applied.has(name));
}
