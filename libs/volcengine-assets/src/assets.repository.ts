import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '@app/database';
import type { AssetKind, AssetMode, AssetStatus } from './asset.entity';

export interface AssetGroupRow {
  id: string;
  customerId: string | null;
  volcengineAccountId: string;
  providerGroupId: string;
  name: string;
  projectName: string;
  createdAt: Date;
}

export interface AssetRow {
  id: string;
  customerId: string | null;
  mode: AssetMode;
  name: string;
  status: AssetStatus;
  error: { code: string; message: string } | null;
  kind: AssetKind;
  volcengineAccountId: string | null;
  projectName: string | null;
  providerAssetId: string;
  groupId: string | null;
  sourceObjectKey: string | null;
  nextPollAt: Date | null;
  deadlineAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewAsset = Omit<AssetRow, 'createdAt' | 'updatedAt' | 'nextPollAt' | 'deadlineAt'> & { firstPollMs: number | null; deadlineSeconds: number | null };

const GROUP_COLUMNS = `id, customer_id AS "customerId", volcengine_account_id AS "volcengineAccountId", provider_group_id AS "providerGroupId", name,
  project_name AS "projectName", created_at AS "createdAt"`;
function assetColumns(t = ''): string {
  const c = (name: string) => `${t}${name}`;
  return [
    c('id'),
    `${c('customer_id')} AS "customerId"`,
    c('mode'),
    c('name'),
    c('status'),
    c('error'),
    c('kind'),
    `${c('volcengine_account_id')} AS "volcengineAccountId"`,
    `${c('project_name')} AS "projectName"`,
    `${c('provider_asset_id')} AS "providerAssetId"`,
    `${c('group_id')} AS "groupId"`,
    `${c('source_object_key')} AS "sourceObjectKey"`,
    `${c('next_poll_at')} AS "nextPollAt"`,
    `${c('deadline_at')} AS "deadlineAt"`,
    `${c('created_at')} AS "createdAt"`,
    `${c('updated_at')} AS "updatedAt"`,
  ].join(', ');
}
const ASSET_COLUMNS = assetColumns();

@Injectable()
export class AssetsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // --- groups ---------------------------------------------------------------------------------

  /** Undefined when the customer already has a group on that account and project (a concurrent ingest won). */
  async insertGroup(row: Omit<AssetGroupRow, 'createdAt'>): Promise<AssetGroupRow | undefined> {
    const rows = await queryRows<AssetGroupRow>(
      this.dataSource,
      `INSERT INTO asset_groups (id, customer_id, volcengine_account_id, provider_group_id, name, project_name) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (customer_id, volcengine_account_id, project_name) WHERE customer_id IS NOT NULL DO NOTHING
       RETURNING ${GROUP_COLUMNS}`,
      [row.id, row.customerId, row.volcengineAccountId, row.providerGroupId, row.name, row.projectName],
    );
    return rows[0];
  }

  async findCustomerGroup(customerId: string, volcengineAccountId: string, projectName: string): Promise<AssetGroupRow | undefined> {
    const rows = await queryRows<AssetGroupRow>(
      this.dataSource,
      `SELECT ${GROUP_COLUMNS} FROM asset_groups WHERE customer_id = $1 AND volcengine_account_id = $2 AND project_name = $3`,
      [customerId, volcengineAccountId, projectName],
    );
    return rows[0];
  }

  async findGroup(id: string): Promise<AssetGroupRow | undefined> {
    const rows = await queryRows<AssetGroupRow>(this.dataSource, `SELECT ${GROUP_COLUMNS} FROM asset_groups WHERE id = $1`, [id]);
    return rows[0];
  }

  listGroups(filter: { customerId?: string; volcengineAccountId?: string; before?: string; limit: number }): Promise<AssetGroupRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.before !== undefined) {
      add('id < ?', filter.before);
    }
    if (filter.customerId !== undefined) {
      add('customer_id = ?', filter.customerId);
    }
    if (filter.volcengineAccountId !== undefined) {
      add('volcengine_account_id = ?', filter.volcengineAccountId);
    }
    params.push(filter.limit + 1);
    return queryRows<AssetGroupRow>(
      this.dataSource,
      `SELECT ${GROUP_COLUMNS} FROM asset_groups ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Its assets go with it (ON DELETE CASCADE), as they do upstream. */
  async deleteGroup(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM asset_groups WHERE id = $1`, [id]);
  }

  // --- assets ---------------------------------------------------------------------------------

  async insertAsset(row: NewAsset): Promise<AssetRow> {
    const rows = await queryRows<AssetRow>(
      this.dataSource,
      `INSERT INTO assets (id, customer_id, mode, name, status, error, kind, volcengine_account_id, project_name, provider_asset_id, group_id, source_object_key,
                           next_poll_at, deadline_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
               CASE WHEN $13::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $13::float8 / 1000) END,
               CASE WHEN $14::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $14::float8) END)
       RETURNING ${ASSET_COLUMNS}`,
      [
        row.id,
        row.customerId,
        row.mode,
        row.name,
        row.status,
        row.error === null ? null : JSON.stringify(row.error),
        row.kind,
        row.volcengineAccountId,
        row.projectName,
        row.providerAssetId,
        row.groupId,
        row.sourceObjectKey,
        row.firstPollMs,
        row.deadlineSeconds,
      ],
    );
    return rows[0];
  }

  async findAsset(id: string): Promise<AssetRow | undefined> {
    const rows = await queryRows<AssetRow>(this.dataSource, `SELECT ${ASSET_COLUMNS} FROM assets WHERE id = $1`, [id]);
    return rows[0];
  }

  /** The caller's own asset in the key's mode, or nothing (another customer's id looks unknown). */
  async findCustomerAsset(customerId: string, mode: AssetMode, id: string): Promise<AssetRow | undefined> {
    const rows = await queryRows<AssetRow>(this.dataSource, `SELECT ${ASSET_COLUMNS} FROM assets WHERE id = $1 AND customer_id = $2 AND mode = $3`, [id, customerId, mode]);
    return rows[0];
  }

  async findCustomerAssets(customerId: string, mode: AssetMode, ids: string[]): Promise<AssetRow[]> {
    return queryRows<AssetRow>(this.dataSource, `SELECT ${ASSET_COLUMNS} FROM assets WHERE id = ANY($1::text[]) AND customer_id = $2 AND mode = $3`, [
      ids,
      customerId,
      mode,
    ]);
  }

  listAssets(filter: {
    customerId?: string;
    ownerless?: boolean;
    mode?: AssetMode;
    status?: AssetStatus;
    groupId?: string;
    volcengineAccountId?: string;
    before?: string;
    limit: number;
  }): Promise<AssetRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.before !== undefined) {
      add('id < ?', filter.before);
    }
    if (filter.customerId !== undefined) {
      add('customer_id = ?', filter.customerId);
    }
    if (filter.ownerless === true) {
      where.push('customer_id IS NULL');
    }
    if (filter.mode !== undefined) {
      add('mode = ?', filter.mode);
    }
    if (filter.status !== undefined) {
      add('status = ?', filter.status);
    }
    if (filter.groupId !== undefined) {
      add('group_id = ?', filter.groupId);
    }
    if (filter.volcengineAccountId !== undefined) {
      add('volcengine_account_id = ?', filter.volcengineAccountId);
    }
    params.push(filter.limit + 1);
    return queryRows<AssetRow>(
      this.dataSource,
      `SELECT ${ASSET_COLUMNS} FROM assets ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async deleteAsset(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM assets WHERE id = $1`, [id]);
  }

  // --- polling --------------------------------------------------------------------------------

  /**
   * Leases due processing assets: pushing next_poll_at forward by the lease is the lease, so other
   * instances skip them (FOR UPDATE SKIP LOCKED now, next_poll_at afterwards) until it runs out.
   */
  claimDue(leaseSeconds: number, limit: number): Promise<(AssetRow & { expired: boolean })[]> {
    return queryRows(
      this.dataSource,
      `UPDATE assets a SET next_poll_at = now() + make_interval(secs => $1)
         FROM (SELECT id FROM assets WHERE status = 'processing' AND next_poll_at <= now() ORDER BY next_poll_at LIMIT $2 FOR UPDATE SKIP LOCKED) due
        WHERE a.id = due.id
       RETURNING ${assetColumns('a.')}, COALESCE(now() > a.deadline_at, false) AS expired`,
      [leaseSeconds, limit],
    );
  }

  /** Settles a processing asset; false when it was settled or deleted meanwhile. */
  async settle(id: string, status: 'active' | 'failed', error: { code: string; message: string } | null): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE assets SET status = $2, error = $3::jsonb, next_poll_at = NULL, updated_at = now() WHERE id = $1 AND status = 'processing' RETURNING 1 AS ok`,
      [id, status, error === null ? null : JSON.stringify(error)],
    );
    return rows.length > 0;
  }

  async reschedule(id: string, delayMs: number): Promise<void> {
    await this.dataSource.query(`UPDATE assets SET next_poll_at = now() + make_interval(secs => $2::float8 / 1000) WHERE id = $1 AND status = 'processing'`, [id, delayMs]);
  }
}
