export * from './data-source.options';
export * from './database.module';
export * from './embedded-postgres';
export * from './migration-status';
export { MIGRATIONS } from './migrations';
export * from './sql';
export { PgNotifyService, type NotifyHandler } from './pg-notify.service';
export * from './pg-errors';
export * from './query-rows';
