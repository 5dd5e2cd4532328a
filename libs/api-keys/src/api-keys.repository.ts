import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from '@app/database';
import type { CustomerStatus } from '@app/customers';
import type { ApiKeyMode } from './api-key.entity';

export interface ApiKeyRow {
  id: string;
  customerId: string;
  mode: ApiKeyMode;
  name: string | null;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface KeyAuthRow {
  keyId: string;
  customerId: string;
  mode: ApiKeyMode;
  revoked: boolean;
  customerStatus: CustomerStatus;
  planCode: string;
}

// Never the hash: nothing read from here can leak it.
const COLUMNS = `id, customer_id AS "customerId", mode, name, prefix, created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, row: { id: string; customerId: string; mode: ApiKeyMode; name: string | null; prefix: string; keyHash: string }): Promise<ApiKeyRow> {
    const rows: ApiKeyRow[] = await manager.query(
      `INSERT INTO api_keys (id, customer_id, mode, name, prefix, key_hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [row.id, row.customerId, row.mode, row.name, row.prefix, row.keyHash],
    );
    return rows[0];
  }

  /** Newest first, `limit + 1` rows. */
  listByCustomer(customerId: string, beforeId: string | undefined, limit: number): Promise<ApiKeyRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM api_keys WHERE customer_id = $1 AND ($2::text IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [customerId, beforeId ?? null, limit + 1],
    );
  }

  async findForCustomer(manager: EntityManager | undefined, customerId: string, keyId: string): Promise<ApiKeyRow | undefined> {
    const rows: ApiKeyRow[] = await (manager ?? this.dataSource.manager).query(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1 AND customer_id = $2`, [
      keyId,
      customerId,
    ]);
    return rows[0];
  }

  /** Sets revoked_at once; no row when the key was already revoked (or is not this customer's). */
  async revoke(manager: EntityManager, customerId: string, keyId: string): Promise<ApiKeyRow | undefined> {
    const rows = await queryRows<ApiKeyRow>(
      manager,
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND customer_id = $2 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [keyId, customerId],
    );
    return rows[0];
  }

  async findAuthByHash(keyHash: string): Promise<KeyAuthRow | undefined> {
    const rows: KeyAuthRow[] = await this.dataSource.query(
      `SELECT k.id AS "keyId", k.customer_id AS "customerId", k.mode, k.revoked_at IS NOT NULL AS revoked,
              c.status AS "customerStatus", c.plan_code AS "planCode"
       FROM api_keys k JOIN customers c ON c.id = k.customer_id
       WHERE k.key_hash = $1`,
      [keyHash],
    );
    return rows[0];
  }

  /** One statement for a whole batch of uses; never moves last_used_at backwards. */
  async touch(uses: Map<string, Date>): Promise<void> {
    if (uses.size === 0) {
      return;
    }
    await this.dataSource.query(
      `UPDATE api_keys AS k SET last_used_at = v.t
       FROM unnest($1::text[], $2::timestamptz[]) AS v(id, t)
       WHERE k.id = v.id AND (k.last_used_at IS NULL OR k.last_used_at < v.t)`,
      [[...uses.keys()], [...uses.values()].map((d) => d.toISOString())],
    );
  }
}
