import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Jobs, idempotency keys, per-customer job counters, the job timeline, and the two functions that
 * make the money paths one round trip each: `gw_create_job` (claim the key, enforce the plan's
 * limits, reserve credits, insert the job and its reserve entry) and `gw_settle_job` (the terminal
 * compare-and-set with its capture or release). `ledger_capture` / `ledger_release` are the only
 * implementations of settlement, used by both the jobs module and the credits service.
 */
export class Jobs1763900000400 implements MigrationInterface {
  name = 'Jobs1763900000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE jobs (
        id text COLLATE "C" PRIMARY KEY,
        customer_id text COLLATE "C" NOT NULL REFERENCES customers(id),
        api_key_id text COLLATE "C",
        mode text NOT NULL CONSTRAINT jobs_mode_check CHECK (mode IN ('live', 'test')),
        type text NOT NULL CONSTRAINT jobs_type_check CHECK (type IN ('image', 'video')),
        status text NOT NULL CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'processing', 'succeeded', 'failed', 'canceled')),
        phase text NOT NULL CONSTRAINT jobs_phase_check CHECK (phase IN ('pending_submit', 'submission_unknown', 'polling', 'done')),
        request jsonb NOT NULL,
        price bigint NOT NULL CONSTRAINT jobs_price_check CHECK (price >= 0),
        refunded bigint NOT NULL DEFAULT 0,
        provider text,
        provider_account_id text COLLATE "C",
        provider_task_id text,
        result_key text,
        result_content_type text,
        result_bytes bigint,
        error_code text,
        error_message text,
        attempts integer NOT NULL DEFAULT 0,
        polls integer NOT NULL DEFAULT 0,
        next_poll_at timestamptz,
        last_checked_at timestamptz,
        lease_owner text,
        lease_until timestamptz,
        deadline_at timestamptz NOT NULL,
        submitted_at timestamptz,
        provider_completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await q.query(`CREATE INDEX jobs_due_idx ON jobs (next_poll_at) WHERE next_poll_at IS NOT NULL`);
    await q.query(`CREATE INDEX jobs_customer_idx ON jobs (customer_id, mode, id)`);
    await q.query(`CREATE INDEX jobs_status_idx ON jobs (status, id)`);
    await q.query(`
      CREATE TABLE idempotency_keys (
        customer_id text COLLATE "C" NOT NULL,
        mode text NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL,
        job_id text COLLATE "C" NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT idempotency_keys_pkey PRIMARY KEY (customer_id, mode, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);
    await q.query(`
      CREATE TABLE job_counters (
        customer_id text COLLATE "C" NOT NULL,
        mode text NOT NULL,
        active integer NOT NULL DEFAULT 0,
        queued integer NOT NULL DEFAULT 0,
        CONSTRAINT job_counters_pkey PRIMARY KEY (customer_id, mode),
        CONSTRAINT job_counters_check CHECK (active >= 0 AND queued >= 0 AND queued <= active)
      )`);
    await q.query(`
      CREATE TABLE job_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        job_id text COLLATE "C" NOT NULL,
        kind text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX job_events_job_idx ON job_events (job_id, id)`);

    await q.query(`
      CREATE FUNCTION ledger_capture(p_job_id text, p_amount bigint, p_actor text, p_request_id text)
      RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        r record;
        v_balance bigint;
        v_reserved bigint;
        v_amount bigint;
      BEGIN
        -- The reservation this job holds, unless it was already settled either way.
        SELECT e.customer_id, e.mode, e.reserved_delta AS held INTO r
          FROM ledger_entries e WHERE e.job_id = p_job_id AND e.kind = 'reserve';
        IF NOT FOUND THEN
          RETURN NULL;
        END IF;
        -- Settlements of one account take turns; after the lock this statement's fresh snapshot
        -- sees any settlement that committed meanwhile, so a second caller changes nothing.
        PERFORM 1 FROM credit_accounts a WHERE a.customer_id = r.customer_id AND a.mode = r.mode FOR UPDATE;
        IF EXISTS (SELECT 1 FROM ledger_entries s WHERE s.job_id = p_job_id AND s.kind IN ('capture', 'release')) THEN
          RETURN NULL;
        END IF;
        v_amount := LEAST(COALESCE(p_amount, r.held), r.held);
        UPDATE credit_accounts SET balance = balance - v_amount, reserved = reserved - r.held, updated_at = now()
         WHERE customer_id = r.customer_id AND mode = r.mode
         RETURNING balance, reserved INTO v_balance, v_reserved;
        INSERT INTO ledger_entries (customer_id, mode, kind, balance_delta, reserved_delta, balance_after, reserved_after, job_id, actor, request_id)
        VALUES (r.customer_id, r.mode, 'capture', -v_amount, -r.held, v_balance, v_reserved, p_job_id, p_actor, p_request_id);
        RETURN r.held - v_amount;
      END $$`);
    await q.query(`
      CREATE FUNCTION ledger_release(p_job_id text, p_actor text, p_request_id text)
      RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        r record;
        v_balance bigint;
        v_reserved bigint;
      BEGIN
        SELECT e.customer_id, e.mode, e.reserved_delta AS held INTO r
          FROM ledger_entries e WHERE e.job_id = p_job_id AND e.kind = 'reserve';
        IF NOT FOUND THEN
          RETURN NULL;
        END IF;
        -- Settlements of one account take turns; after the lock this statement's fresh snapshot
        -- sees any settlement that committed meanwhile, so a second caller changes nothing.
        PERFORM 1 FROM credit_accounts a WHERE a.customer_id = r.customer_id AND a.mode = r.mode FOR UPDATE;
        IF EXISTS (SELECT 1 FROM ledger_entries s WHERE s.job_id = p_job_id AND s.kind IN ('capture', 'release')) THEN
          RETURN NULL;
        END IF;
        UPDATE credit_accounts SET reserved = reserved - r.held, updated_at = now()
         WHERE customer_id = r.customer_id AND mode = r.mode
         RETURNING balance, reserved INTO v_balance, v_reserved;
        INSERT INTO ledger_entries (customer_id, mode, kind, balance_delta, reserved_delta, balance_after, reserved_after, job_id, actor, request_id)
        VALUES (r.customer_id, r.mode, 'release', 0, -r.held, v_balance, v_reserved, p_job_id, p_actor, p_request_id);
        RETURN r.held;
      END $$`);

    await q.query(`
      CREATE FUNCTION gw_create_job(
        p_customer_id text, p_mode text, p_api_key_id text, p_idem_key text, p_fingerprint text,
        p_job_id text, p_type text, p_request jsonb, p_price bigint, p_status text,
        p_max_active integer, p_max_queued integer, p_deadline interval, p_request_id text)
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

        INSERT INTO jobs (id, customer_id, api_key_id, mode, type, status, phase, request, price, next_poll_at, deadline_at, created_at, updated_at)
        VALUES (p_job_id, p_customer_id, p_api_key_id, p_mode, p_type, p_status, 'pending_submit', p_request, p_price, v_now, v_now + p_deadline, v_now, v_now);
        INSERT INTO ledger_entries (customer_id, mode, kind, balance_delta, reserved_delta, balance_after, reserved_after, job_id, actor, request_id)
        VALUES (p_customer_id, p_mode, 'reserve', 0, p_price, v_balance, v_reserved, p_job_id, 'customer:' || p_customer_id, p_request_id);
        INSERT INTO job_events (job_id, kind, detail, created_at)
        VALUES (p_job_id, 'created', jsonb_build_object('reserved', p_price, 'requestId', p_request_id), v_now);
        RETURN QUERY SELECT 'created'::text, p_job_id, p_status, p_price, v_balance - v_reserved, v_now;
      END $$`);

    await q.query(`
      CREATE FUNCTION gw_settle_job(
        p_job_id text, p_lease_owner text, p_status text, p_error_code text, p_error_message text,
        p_result_key text, p_result_content_type text, p_result_bytes bigint, p_capture bigint, p_actor text,
        p_provider_completed_at timestamptz)
      RETURNS TABLE (settled boolean, refunded bigint)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_job record;
        v_refund bigint;
      BEGIN
        -- The compare-and-set: only an in-flight job moves to a terminal state, and only by the
        -- instance holding its lease; with p_lease_owner NULL (a cancel) only while nobody holds one.
        SELECT j.customer_id, j.mode, j.price, j.status INTO v_job
          FROM jobs j
         WHERE j.id = p_job_id AND j.status IN ('queued', 'processing')
           AND (j.lease_owner = p_lease_owner OR (p_lease_owner IS NULL AND (j.lease_owner IS NULL OR j.lease_until < now())))
           FOR UPDATE;
        IF NOT FOUND THEN
          RETURN QUERY SELECT false, 0::bigint;
          RETURN;
        END IF;
        UPDATE jobs j SET status = p_status, phase = 'done', next_poll_at = NULL, lease_owner = NULL, lease_until = NULL,
               error_code = p_error_code, error_message = p_error_message,
               result_key = p_result_key, result_content_type = p_result_content_type, result_bytes = p_result_bytes,
               provider_completed_at = COALESCE(p_provider_completed_at, j.provider_completed_at),
               completed_at = now(), updated_at = now()
         WHERE j.id = p_job_id;
        UPDATE job_counters c SET active = c.active - 1, queued = c.queued - CASE WHEN v_job.status = 'queued' THEN 1 ELSE 0 END
         WHERE c.customer_id = v_job.customer_id AND c.mode = v_job.mode;
        IF p_status = 'succeeded' THEN
          v_refund := COALESCE(ledger_capture(p_job_id, p_capture, p_actor, NULL), 0);
        ELSE
          v_refund := COALESCE(ledger_release(p_job_id, p_actor, NULL), 0);
        END IF;
        UPDATE jobs SET refunded = v_refund WHERE id = p_job_id;
        INSERT INTO job_events (job_id, kind, detail)
        VALUES (p_job_id, 'settled', jsonb_build_object('status', p_status, 'refunded', v_refund, 'captured', CASE WHEN p_status = 'succeeded' THEN v_job.price - v_refund ELSE 0 END));
        RETURN QUERY SELECT true, v_refund;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION gw_settle_job(text, text, text, text, text, text, text, bigint, bigint, text, timestamptz)`);
    await q.query(`DROP FUNCTION gw_create_job(text, text, text, text, text, text, text, jsonb, bigint, text, integer, integer, interval, text)`);
    await q.query(`DROP FUNCTION ledger_release(text, text, text)`);
    await q.query(`DROP FUNCTION ledger_capture(text, bigint, text, text)`);
    await q.query(`DROP TABLE job_events`);
    await q.query(`DROP TABLE job_counters`);
    await q.query(`DROP TABLE idempotency_keys`);
    await q.query(`DROP TABLE jobs`);
  }
}
