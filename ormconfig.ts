import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './libs/database/src/data-source.options';

/**
 * Every entity of every library. The app loads them per module (autoLoadEntities); this list serves
 * the TypeORM CLI and the schema-drift test, which proves the migrations match these entities.
 */
export const ENTITIES: Function[] = [];

/** The TypeORM CLI's data source: `npm run migration:generate|run|revert` (DATABASE_URL required). */
export default new DataSource(
  buildDataSourceOptions({
    url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    entities: ENTITIES,
  }),
);
