import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Sql, queryRows } from '@app/database';
import type { CreditMode } from './credit-account.entity';
import type { LedgerKind } from './ledger-entry.entity';
import { RECONCILE_SQL } from './reconcile.sql';

export interface AccountRow {
  customerId: string;
  mode: CreditMode;
  balance: number;
  reserved: number;
}

export interface LedgerRow {
  id: string;
  customerId: string;
  mode: CreditMode;
  kind: LedgerKind;
  balanceDelta: number;
  reservedDelta: number;
  balanceAfter: number;
  reservedAfter: number;
  jobId: string | null;
  actor: string;
  reason: string | null;
  requestId: string | null;
  createdAt: Date;
}

export interface AccountDifference {
  customerId: string;
  mode: CreditMode;
  /** Exact decimal strings: a bigint may not fit a JavaScript number. */
  balance: string;
  reserved: string;
  ledgerBalance: string;
  ledgerReserved: string;
}

const LEDGER_COLUMNS = `id::text AS id, customer_id AS "customerId", mode, kind, balance_delta::float8 AS "balanceDelta",
  reserved_delta::float8 AS "reservedDelta", balance_after::float8 AS "balanceAfter", reserved_after::float8 AS "reservedAfter",
  job_id AS "jobId", actor, reason, request_id AS "requestId", created_at AS "createdAt"`;
const INSERT_LEDGER = `INSERT INTO ledger_entries
  (customer_id, mode, kind, balance_delta, reserved_delta, balance_after, reserved_after, job_id, actor, reason, request_id)`;

/**
 * The ledger's SQL. Every balance change is one statement that updates the account and appends
 * its ledger row together (a data-modifying CTE), so the two can never disagree.
 */
@Injectable()
export class CreditsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: Sql,
  ) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  transaction<T>(manager: EntityManager | undefined, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return manager ? work(manager) : this.dataSource.transaction(work);
  }

  async openAccounts(manager: EntityManager, customerId: string): Promise<void> {
    await manager.query(`INSERT INTO credit_accounts (customer_id, mode) VALUES ($1, 'live'), ($1, 'test') ON CONFLICT DO NOTHING`, [customerId]);
  }

  accounts(customerIds: string[], manager?: EntityManager): Promise<AccountRow[]> {
    return this.m(manager).query(
      `SELECT customer_id AS "customerId", mode, balance::float8 AS balance, reserved::float8 AS reserved FROM credit_accounts WHERE customer_id = ANY($1::text[])`,
      [customerIds],
    );
  }

  async account(customerId: string, mode: CreditMode, manager?: EntityManager): Promise<AccountRow | undefined> {
    if (manager) {
      const rows = await this.accounts([customerId], manager);
      return rows.find((r) => r.mode === mode);
    }
    // The /v1/usage hot path: one prepared statement on the primary key.
    const [row] = await this.sql.query<AccountRow>(
      'credits.account',
      `SELECT customer_id AS "customerId", mode, balance::float8 AS balance, reserved::float8 AS reserved FROM credit_accounts WHERE customer_id = $1 AND mode = $2`,
      [customerId, mode],
    );
    return row;
  }

  /** Top-up or adjustment; no row when it would leave balance < reserved (or the account is unknown). */
  async credit(
    manager: EntityManager | undefined,
    p: { customerId: string; mode: CreditMode; amount: number; kind: 'topup' | 'adjustment'; actor: string; reason: string; requestId: string | null },
  ): Promise<LedgerRow | undefined> {
    const rows = await queryRows<LedgerRow>(
      this.m(manager),
      `WITH acc AS (
         UPDATE credit_accounts SET balance = balance + $3::bigint, updated_at = now()
         WHERE customer_id = $1 AND mode = $2 AND balance + $3::bigint >= reserved
         RETURNING balance, reserved)
       ${INSERT_LEDGER}
       SELECT $1, $2, $4, $3::bigint, 0, balance, reserved, NULL, $5, $6, $7 FROM acc
       RETURNING ${LEDGER_COLUMNS}`,
      [p.customerId, p.mode, p.amount, p.kind, p.actor, p.reason, p.requestId],
    );
    return rows[0];
  }

  /** The single conditional UPDATE of a reservation; no row when the available credits do not cover it. */
  async reserve(
    manager: EntityManager | undefined,
    p: { customerId: string; mode: CreditMode; amount: number; jobId: string; actor: string; requestId: string | null },
  ): Promise<LedgerRow | undefined> {
    const rows = await queryRows<LedgerRow>(
      this.m(manager),
      `WITH acc AS (
         UPDATE credit_accounts SET reserved = reserved + $3::bigint, updated_at = now()
         WHERE customer_id = $1 AND mode = $2 AND balance - reserved >= $3::bigint
         RETURNING balance, reserved)
       ${INSERT_LEDGER}
       SELECT $1, $2, 'reserve', 0, $3::bigint, balance, reserved, $4, $5, NULL, $6 FROM acc
       RETURNING ${LEDGER_COLUMNS}`,
      [p.customerId, p.mode, p.amount, p.jobId, p.actor, p.requestId],
    );
    return rows[0];
  }

  async reservationOf(manager: EntityManager, jobId: string): Promise<{ customerId: string; mode: CreditMode; amount: number } | undefined> {
    const rows: { customerId: string; mode: CreditMode; amount: number }[] = await manager.query(
      `SELECT customer_id AS "customerId", mode, reserved_delta::float8 AS amount FROM ledger_entries WHERE job_id = $1 AND kind = 'reserve'`,
      [jobId],
    );
    return rows[0];
  }

  /**
   * Capture or release through the database functions that also settle jobs: they lock the
   * account, see any settlement that committed meanwhile, and write one ledger entry. True if this
   * call settled the job; false if it was already captured or released, by anyone.
   */
  async settle(manager: EntityManager, jobId: string, kind: 'capture' | 'release', amount: number | undefined, actor: string): Promise<boolean> {
    const rows: { settled: string | null }[] =
      kind === 'capture'
        ? await manager.query(`SELECT ledger_capture($1, $2, $3, NULL) AS settled`, [jobId, amount ?? null, actor])
        : await manager.query(`SELECT ledger_release($1, $2, NULL) AS settled`, [jobId, actor]);
    return rows[0]?.settled !== null && rows[0]?.settled !== undefined;
  }

  /** Newest first, `limit + 1` rows. */
  entries(customerId: string, filter: { mode?: CreditMode; beforeId?: string; limit: number }): Promise<LedgerRow[]> {
    return this.dataSource.query(
      `SELECT ${LEDGER_COLUMNS} FROM ledger_entries
       WHERE customer_id = $1 AND ($2::text IS NULL OR mode = $2) AND ($3::bigint IS NULL OR id < $3::bigint)
       ORDER BY ledger_entries.id DESC LIMIT $4`,
      [customerId, filter.mode ?? null, filter.beforeId ?? null, filter.limit + 1],
    );
  }

  /** Every account whose balance or reserved differs from the sums of its ledger entries. */
  differences(): Promise<AccountDifference[]> {
    return this.dataSource.query(RECONCILE_SQL);
  }
}
