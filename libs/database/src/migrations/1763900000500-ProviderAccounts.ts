import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The fixed id of the system customer that owns operator test generations (price 0, never billed). */
export const OPERATOR_TEST_CUSTOMER_ID = 'cus_0000operatorTestJobs0000';

/**
 * The provider account pool: accounts with sealed credentials and health, an append-only history of
 * their changes, `gw_create_job` recording the chosen account at creation, and the system customer
 * that owns operator test generations (suspended: it can never hold a usable key).
 */
export class ProviderAccounts1763900000500 implements MigrationInterface {
  name = 'ProviderAccounts1763900000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provider_accounts (
        id text COLLATE "C" NOT NULL,
        provider text NOT NULL,
        label text NOT NULL,
        base_url text,
        status text NOT NULL DEFAULT 'active',
        enabled boolean NOT NULL DEFAULT true,
        credentials text NOT NULL,
        credentials_hint text NOT NULL,
        credentials_rotated_at timestamptz NOT NULL DEFAULT now(),
        priority integer NOT NULL DEFAULT 0,
        weight integer NOT NULL DEFAULT 1,
        balance bigint,
        balance_checked_at timestamptz,
        cooldown_until timestamptz,
        failure_streak integer NOT NULL DEFAULT 0,
        last_error text,
        last_error_at timestamptz,
        volcengine_account_id text COLLATE "C",
        region text,
        project_name text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT provider_accounts_pkey PRIMARY KEY (id),
        CONSTRAINT provider_accounts_provider_check CHECK (provider IN ('apiyi', 'volcengine')),
        CONSTRAINT provider_accounts_status_check CHECK (status IN ('active', 'cooldown', 'exhausted', 'disabled', 'invalid')),
        CONSTRAINT provider_accounts_weight_check CHECK (weight BETWEEN 1 AND 1000),
        CONSTRAINT provider_accounts_priority_check CHECK (priority BETWEEN -1000 AND 1000),
        CONSTRAINT provider_accounts_volcengine_fkey FOREIGN KEY (volcengine_account_id) REFERENCES provider_accounts(id) ON DELETE SET NULL
      )`);
    await q.query(`CREATE INDEX provider_accounts_provider_idx ON provider_accounts (provider, id)`);
    await q.query(`
      CREATE TABLE provider_account_events (
        id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        account_id text COLLATE "C" NOT NULL,
        kind text NOT NULL,
        from_status text,
        to_status text,
        reason text NOT NULL,
        actor text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT provider_account_events_pkey PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX provider_account_events_account_idx ON provider_account_events (account_id, id)`);
    // History outlives the account (no foreign key) and cannot be rewritten.
    await q.query(`CREATE TRIGGER provider_account_events_append_only BEFORE UPDATE OR DELETE ON provider_account_events FOR EACH ROW EXECUTE FUNCTION forbid_mutation()`);
    // In-flight jobs per account, counted by the router and refused on delete.
    await q.query(`CREATE INDEX jobs_account_active_idx ON jobs (provider_account_id) WHERE status IN ('queued', 'processing') AND provider_account_id IS NOT NULL`);

    await q.query(
      `INSERT INTO customers (id, name, plan_code, status) VALUES ($1, 'Operator test generations (system)', 'default', 'suspended') ON CONFLICT DO NOTHING`,
      [OPERATOR_TEST_CUSTOMER_ID],
    );
    await q.query(`INSERT INTO credit_accounts (customer_id, mode) VALUES ($1, 'live'), ($1, 'test') ON CONFLICT DO NOTHING`, [OPERATOR_TEST_CUSTOMER_ID]);

    // The previous signature is set aside (not dropped) so `down` can put it back exactly.
    await q.query(`ALTER FUNCTION gw_create_job(text, text, text, text, text, text, text, jsonb, bigint, text, integer, integer, interval, text) RENAME TO gw_create_job_before_accounts`);
    await q.query(`
      CREATE FUNCTION gw_create_job(
        p_customer_id text, p_mode text, p_api_key_id text, p_idem_key text, p_fingerprint text,
        p_job_id text, p_type text, p_request jsonb, p_price bigint, p_status text,
        p_max_active integer, p_max_queued integer, p_deadline interval, p_request_id text,
        p_provider text, p_provider_account_id text)
      RETURNS TABLE (outcome text, job_id text, status text, price bigint, available bigint, created_at timestamptz)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_queued integer := CASE WHEN p_status = 'queued' THEN 1 ELSE 0 END;
        v_balance bigint;
        v_reserved bigint;
        v_row record;
        v_now timestamptz := now();
      BEGIN
        INSERT INTO idempotency_keys (customer_id, mode, key, fingerprint, job_id)
        VALUES (p_customer_id, p_mode, p_idem_key, p_fingerprint, p_job_id)
        ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
          SELECT k.fingerprint, k.job_id, j.status, j.price, j.created_at INTO v_row
            FROM idempotency_keys k LEFT JOIN jobs j ON j.id = k.job_id
           WHERE k.customer_id = p_customer_id AND k.mode = p_mode AND k.key = p_idem_key;
          IF v_row.status IS NULL THEN
            RETURN QUERY SELECT 'in_progress'::text, v_row.job_id, NULL::text, NULL::bigint, NULL::bigint, NULL::timestamptz;
          ELSIF v_row.fingerprint = p_fingerprint THEN
            RETURN QUERY SELECT 'replay'::text, v_row.job_id, v_row.status, v_row.price, NULL::bigint, v_row.created_at;
          ELSE
            RETURN QUERY SELECT 'conflict'::text, v_row.job_id, NULL::text, NULL::bigint, NULL::bigint, NULL::timestamptz;
          END IF;
          RETURN;
        END IF;

        INSERT INTO job_counters AS c (customer_id, mode, active, queued)
        VALUES (p_customer_id, p_mode, 1, v_queued)
        ON CONFLICT (customer_id, mode) DO UPDATE
          SET active = c.active + 1, queued = c.queued + EXCLUDED.queued
          WHERE c.active < p_max_active AND (EXCLUDED.queued = 0 OR c.queued < p_max_queued);
        IF NOT FOUND THEN
          DELETE FROM idempotency_keys k WHERE k.customer_id = p_customer_id AND k.mode = p_mode AND k.key = p_idem_key;
          RETURN QUERY SELECT 'rate_limited'::text, NULL::text, NULL::text, p_price, NULL::bigint, NULL::timestamptz;
          RETURN;
        END IF;

        UPDATE credit_accounts a SET reserved = a.reserved + p_price, updated_at = v_now
         WHERE a.customer_id = p_customer_id AND a.mode = p_mode AND a.balance - a.reserved >= p_price
         RETURNING a.balance, a.reserved INTO v_balance, v_reserved;
        IF NOT FOUND THEN
          UPDATE job_counters c SET active = c.active - 1, queued = c.queued - v_queued
           WHERE c.customer_id = p_customer_id AND c.mode = p_mode;
          DELETE FROM idempotency_keys k WHERE k.customer_id = p_customer_id AND k.mode = p_mode AND k.key = p_idem_key;
          RETURN QUERY SELECT 'balance_low'::text, NULL::text, NULL::text, p_price,
            COALESCE((SELECT a.balance - a.reserved FROM credit_accounts a WHERE a.customer_id = p_customer_id AND a.mode = p_mode), 0),
            NULL::timestamptz;
          RETURN;
        END IF;

        INSERT INTO jobs (id, customer_id, api_key_id, mode, type, status, phase, request, price, provider, provider_account_id, next_poll_at, deadline_at, created_at, updated_at)
        VALUES (p_job_id, p_customer_id, p_api_key_id, p_mode, p_type, p_status, 'pending_submit', p_request, p_price, p_provider, p_provider_account_id, v_now, v_now + p_deadline, v_now, v_now);
        INSERT INTO ledger_entries (customer_id, mode, kind, balance_delta, reserved_delta, balance_after, reserved_after, job_id, actor, request_id)
        VALUES (p_customer_id, p_mode, 'reserve', 0, p_price, v_balance, v_reserved, p_job_id, 'customer:' || p_customer_id, p_request_id);
        INSERT INTO job_events (job_id, kind, detail, created_at)
        VALUES (p_job_id, 'created', jsonb_strip_nulls(jsonb_build_object('reserved', p_price, 'requestId', p_request_id, 'providerAccountId', p_provider_account_id)), v_now);
        RETURN QUERY SELECT 'created'::text, p_job_id, p_status, p_price, v_balance - v_reserved, v_now;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION gw_create_job(text, text, text, text, text, text, text, jsonb, bigint, text, integer, integer, interval, text, text, text)`,
    );
    await q.query(`ALTER FUNCTION gw_create_job_before_accounts(text, text, text, text, text, text, text, jsonb, bigint, text, integer, integer, interval, text) RENAME TO gw_create_job`);
    await q.query(`DROP INDEX jobs_account_active_idx`);
    await q.query(`DROP TABLE provider_account_events`);
    await q.query(`DROP TABLE provider_accounts`);
    // The system customer stays: its ledger entries are append-only.
  }
}
