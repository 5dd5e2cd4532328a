import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs parameterised SQL and returns its rows whatever the command: TypeORM's postgres driver
 * answers `[rows, rowCount]` for UPDATE and DELETE and plain rows for everything else.
 */
export async function queryRows<T>(runner: EntityManager | DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await runner.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
