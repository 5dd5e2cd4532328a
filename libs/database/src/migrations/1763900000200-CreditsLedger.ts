import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Balances per (customer, mode) and the append-only ledger. Invariants held by the database
 * itself: reserved ≥ 0, balance ≥ reserved, no UPDATE/DELETE/TRUNCATE on the ledger, one entry of
 * each kind per job, and never both a capture and a release for one job.
 */
export class CreditsLedger1763900000200 implements MigrationInterface {
  name = 'CreditsLedger1763900000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE credit_accounts (
        customer_id text COLLATE "C" NOT NULL REFERENCES customers(id),
        mode text NOT NULL CONSTRAINT credit_accounts_mode_check CHECK (mode IN ('live', 'test')),
        balance bigint NOT NULL DEFAULT 0,
        reserved bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT credit_accounts_pkey PRIMARY KEY (customer_id, mode),
        CONSTRAINT credit_accounts_amounts_check CHECK (reserved >= 0 AND balance >= reserved)
      )`);
    await q.query(`
      CREATE TABLE ledger_entries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id text COLLATE "C" NOT NULL,
        mode text NOT NULL,
        kind text NOT NULL CONSTRAINT ledger_entries_kind_check CHECK (kind IN ('topup', 'adjustment', 'reserve', 'capture', 'release')),
        balance_delta bigint NOT NULL,
        reserved_delta bigint NOT NULL,
        balance_after bigint NOT NULL,
        reserved_after bigint NOT NULL,
        job_id text COLLATE "C",
        actor text NOT NULL,
        reason text,
        request_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_entries_account_fkey FOREIGN KEY (customer_id, mode) REFERENCES credit_accounts(customer_id, mode),
        CONSTRAINT ledger_entries_job_kind_key UNIQUE (job_id, kind)
      )`);
    await q.query(`CREATE INDEX ledger_entries_account_idx ON ledger_entries (customer_id, mode, id)`);
    await q.query(`CREATE UNIQUE INDEX ledger_entries_settlement_key ON ledger_entries (job_id) WHERE kind IN ('capture', 'release')`);
    await q.query(`
      CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
      FOR EACH ROW EXECUTE FUNCTION forbid_mutation()`);
    await q.query(`
      CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
      FOR EACH STATEMENT EXECUTE FUNCTION forbid_mutation()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger_entries`);
    await q.query(`DROP TABLE credit_accounts`);
  }
}
