import 'reflect-metadata';
// The TypeORM CLI runs this file under ts-node, which knows nothing of the @app/* aliases the entities use.
import 'tsconfig-paths/register';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './libs/database/src/data-source.options';
import { AuditEventEntity } from './libs/auth/src/audit-event.entity';
import { CustomerEntity } from './libs/customers/src/customer.entity';
import { PlanEntity } from './libs/customers/src/plan.entity';
import { CreditAccountEntity } from './libs/credits-ledger/src/credit-account.entity';
import { LedgerEntryEntity } from './libs/credits-ledger/src/ledger-entry.entity';
import { ApiKeyEntity } from './libs/api-keys/src/api-key.entity';
import { ProviderAccountEntity, ProviderAccountEventEntity } from './libs/provider-accounts/src/provider-account.entity';
import { AssetGroupEntity } from './libs/volcengine-assets/src/asset-group.entity';
import { AssetEntity } from './libs/volcengine-assets/src/asset.entity';
import { OperatorEntity } from './libs/auth/src/operator.entity';
import { OperatorSessionEntity } from './libs/auth/src/operator-session.entity';

/**
 * Every entity of every library. The app loads them per module (autoLoadEntities); this list serves
 * the TypeORM CLI and the schema-drift test, which proves the migrations match these entities.
 */
export const ENTITIES: Function[] = [
  AuditEventEntity,
  PlanEntity,
  CustomerEntity,
  CreditAccountEntity,
  LedgerEntryEntity,
  ApiKeyEntity,
  ProviderAccountEntity,
  ProviderAccountEventEntity,
  AssetGroupEntity,
  AssetEntity,
  OperatorEntity,
  OperatorSessionEntity,
];

/** The TypeORM CLI's data source: `npm run migration:generate|run|revert` (DATABASE_URL required). */
export default new DataSource(
  buildDataSourceOptions({
    url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    entities: ENTITIES,
  }),
);
