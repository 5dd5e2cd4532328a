import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from '@app/database';
import type { AccountStatus, ProviderName } from './provider-account.entity';

export interface AccountRow {
  id: string;
  provider: ProviderName;
  label: string;
  baseUrl: string | null;
  status: AccountStatus;
  enabled: boolean;
  /** Sealed; opened only inside an upstream call. */
  credentials: string;
  credentialsHint: string;
  credentialsRotatedAt: Date;
  priority: number;
  weight: number;
  balance: string | null;
  balanceCheckedAt: Date | null;
  cooldownUntil: Date | null;
  failureStreak: number;
  lastError: string | null;
  lastErrorAt: Date | null;
  volcengineAccountId: string | null;
  region: string | null;
  projectName: string | null;
  createdAt: Date;
  updatedAt: Date;
  inFlight: number;
}

export interface AccountEventRow {
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string;
  actor: string;
  createdAt: Date;
}

export type NewAccount = Pick<
  AccountRow,
  'id' | 'provider' | 'label' | 'baseUrl' | 'credentials' | 'credentialsHint' | 'priority' | 'weight' | 'volcengineAccountId' | 'region' | 'projectName'
>;

export type AccountPatch = Partial<
  Pick<AccountRow, 'label' | 'priority' | 'weight' | 'enabled' | 'status' | 'cooldownUntil' | 'failureStreak' | 'lastError' | 'lastErrorAt' | 'credentials' | 'credentialsHint' | 'credentialsRotatedAt' | 'balance' | 'balanceCheckedAt'>
>;

const COLUMNS = `a.id, a.provider, a.label, a.base_url AS "baseUrl", a.status, a.enabled, a.credentials, a.credentials_hint AS "credentialsHint",
  a.credentials_rotated_at AS "credentialsRotatedAt", a.priority, a.weight, a.balance, a.balance_checked_at AS "balanceCheckedAt",
  a.cooldown_until AS "cooldownUntil", a.failure_streak AS "failureStreak", a.last_error AS "lastError", a.last_error_at AS "lastErrorAt",
  a.volcengine_account_id AS "volcengineAccountId", a.region, a.project_name AS "projectName", a.created_at AS "createdAt", a.updated_at AS "updatedAt",
  (SELECT count(*)::int FROM jobs j WHERE j.provider_account_id = a.id AND j.status IN ('queued', 'processing') AND j.provider_account_id IS NOT NULL) AS "inFlight"`;

const PATCH_COLUMNS: Record<keyof AccountPatch, string> = {
  label: 'label',
  priority: 'priority',
  weight: 'weight',
  enabled: 'enabled',
  status: 'status',
  cooldownUntil: 'cooldown_until',
  failureStreak: 'failure_streak',
  lastError: 'last_error',
  lastErrorAt: 'last_error_at',
  credentials: 'credentials',
  credentialsHint: 'credentials_hint',
  credentialsRotatedAt: 'credentials_rotated_at',
  balance: 'balance',
  balanceCheckedAt: 'balance_checked_at',
};

/** All SQL of the account pool. */
@Injectable()
export class ProviderAccountsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async insert(manager: EntityManager, a: NewAccount): Promise<AccountRow> {
    await manager.query(
      `INSERT INTO provider_accounts (id, provider, label, base_url, credentials, credentials_hint, priority, weight, volcengine_account_id, region, project_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [a.id, a.provider, a.label, a.baseUrl, a.credentials, a.credentialsHint, a.priority, a.weight, a.volcengineAccountId, a.region, a.projectName],
    );
    return (await this.findById(a.id, manager))!;
  }

  async findById(id: string, manager?: EntityManager, forUpdate = false): Promise<AccountRow | undefined> {
    const rows: AccountRow[] = await this.m(manager).query(`SELECT ${COLUMNS} FROM provider_accounts a WHERE a.id = $1${forUpdate ? ' FOR UPDATE OF a' : ''}`, [id]);
    return rows[0];
  }

  /** Newest first, `limit + 1` rows for the next-page check. */
  list(filter: { provider?: ProviderName; status?: AccountStatus; before?: string; limit: number }): Promise<AccountRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.provider !== undefined) {
      add('a.provider = ?', filter.provider);
    }
    if (filter.status !== undefined) {
      add('a.status = ?', filter.status);
    }
    if (filter.before !== undefined) {
      add('a.id < ?', filter.before);
    }
    params.push(filter.limit + 1);
    return this.dataSource.query(`SELECT ${COLUMNS} FROM provider_accounts a ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT $${params.length}`, params);
  }

  /** Every account with its in-flight count: the router's snapshot (a pool holds tens, not thousands). */
  all(): Promise<AccountRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM provider_accounts a ORDER BY a.id`);
  }

  async update(manager: EntityManager | undefined, id: string, patch: AccountPatch): Promise<AccountRow | undefined> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [key, column] of Object.entries(PATCH_COLUMNS)) {
      const value = patch[key as keyof AccountPatch];
      if (value !== undefined) {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      }
    }
    sets.push('updated_at = now()');
    const rows = await queryRows<{ id: string }>(this.m(manager), `UPDATE provider_accounts SET ${sets.join(', ')} WHERE id = $1 RETURNING id`, params);
    return rows.length > 0 ? this.findById(id, manager) : undefined;
  }

  async delete(manager: EntityManager, id: string): Promise<boolean> {
    const rows = await queryRows(manager, `DELETE FROM provider_accounts WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  /** Unlinks APIYI accounts from a Volcengine account about to go (the foreign key would do it too). */
  async linkedTo(manager: EntityManager, volcengineAccountId: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(manager, `SELECT id FROM provider_accounts WHERE volcengine_account_id = $1`, [volcengineAccountId]);
    return rows.map((r) => r.id);
  }

  async addEvent(manager: EntityManager | undefined, e: { accountId: string; kind: string; fromStatus?: string | null; toStatus?: string | null; reason: string; actor: string }): Promise<void> {
    await this.m(manager).query(
      `INSERT INTO provider_account_events (account_id, kind, from_status, to_status, reason, actor) VALUES ($1, $2, $3, $4, $5, $6)`,
      [e.accountId, e.kind, e.fromStatus ?? null, e.toStatus ?? null, e.reason, e.actor],
    );
  }

  events(accountId: string, limit: number): Promise<AccountEventRow[]> {
    return this.dataSource.query(
      `SELECT kind, from_status AS "fromStatus", to_status AS "toStatus", reason, actor, created_at AS "createdAt"
         FROM provider_account_events WHERE account_id = $1 ORDER BY id DESC LIMIT $2`,
      [accountId, limit],
    );
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
