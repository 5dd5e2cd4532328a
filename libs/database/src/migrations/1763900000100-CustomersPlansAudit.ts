import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Plans (with the `default` plan), customers, and the append-only audit log. */
export class CustomersPlansAudit1763900000100 implements MigrationInterface {
  name = 'CustomersPlansAudit1763900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE plans (
        code text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
        name text NOT NULL,
        requests_per_minute integer NOT NULL CHECK (requests_per_minute BETWEEN 1 AND 1000000),
        max_concurrent_jobs integer NOT NULL CHECK (max_concurrent_jobs BETWEEN 1 AND 1000000),
        max_queued_jobs integer NOT NULL CHECK (max_queued_jobs BETWEEN 0 AND 10000000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO plans (code, name, requests_per_minute, max_concurrent_jobs, max_queued_jobs)
      VALUES ('default', 'Default', 120, 10, 100)`);
    await q.query(`
      CREATE TABLE customers (
        id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        email text,
        external_id text,
        plan_code text COLLATE "C" NOT NULL REFERENCES plans(code),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX customers_email_lower_key ON customers (lower(email)) WHERE email IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX customers_external_id_key ON customers (external_id) WHERE external_id IS NOT NULL`);
    await q.query(`CREATE INDEX customers_status_id_idx ON customers (status, id)`);
    await q.query(`
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        actor text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text,
        request_id text,
        summary jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_events_target_idx ON audit_events (target_type, target_id, id)`);
    await q.query(`
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION forbid_mutation()`);
    await q.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION forbid_mutation()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP TABLE customers`);
    await q.query(`DROP TABLE plans`);
  }
}
