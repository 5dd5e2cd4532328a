import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

export const MIGRATIONS_TABLE = 'schema_migrations';

export interface DataSourceParams {
  url: string;
  entities?: DataSourceOptions['entities'];
  poolSize?: number;
  applicationName?: string;
}

/** The one definition of how we talk to PostgreSQL: the app, the CLI (ormconfig.ts) and the tests use it. */
export function buildDataSourceOptions(params: DataSourceParams): DataSourceOptions {
  return {
    type: 'postgres',
    url: params.url,
    entities: params.entities ?? [],
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: params.applicationName ?? 'credit-gateway',
    extra: {
      max: params.poolSize ?? 20,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
    },
  };
}
