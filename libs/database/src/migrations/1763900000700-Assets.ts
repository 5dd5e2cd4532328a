import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Volcengine asset library: one AIGC group per customer per Volcengine account (reused), and
 * assets (virtual avatars ingested by us, or real-person assets registered from the console).
 * Volcengine account ids are plain text: the account pool lives in another module.
 */
export class Assets1763900000700 implements MigrationInterface {
  name = 'Assets1763900000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE asset_groups (
        id text COLLATE "C" PRIMARY KEY,
        customer_id text COLLATE "C" CONSTRAINT asset_groups_customer_fkey REFERENCES customers(id),
        volcengine_account_id text COLLATE "C" NOT NULL,
        provider_group_id text COLLATE "C" NOT NULL,
        name text NOT NULL,
        project_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT asset_groups_provider_key UNIQUE (volcengine_account_id, provider_group_id)
      )`);
    // The customer's reusable group on an account and project; operator groups (no owner) are free.
    await q.query(`CREATE UNIQUE INDEX asset_groups_owner_key ON asset_groups (customer_id, volcengine_account_id, project_name) WHERE customer_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE assets (
        id text COLLATE "C" PRIMARY KEY,
        customer_id text COLLATE "C" CONSTRAINT assets_customer_fkey REFERENCES customers(id),
        mode text NOT NULL CONSTRAINT assets_mode_check CHECK (mode IN ('live', 'test')),
        name text NOT NULL,
        status text NOT NULL CONSTRAINT assets_status_check CHECK (status IN ('processing', 'active', 'failed')),
        error jsonb,
        kind text NOT NULL CONSTRAINT assets_kind_check CHECK (kind IN ('ingested', 'registered')),
        volcengine_account_id text COLLATE "C",
        project_name text,
        provider_asset_id text COLLATE "C" NOT NULL,
        group_id text COLLATE "C" CONSTRAINT assets_group_fkey REFERENCES asset_groups(id) ON DELETE CASCADE,
        source_object_key text,
        next_poll_at timestamptz,
        deadline_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT assets_provider_key UNIQUE (volcengine_account_id, provider_asset_id)
      )`);
    await q.query(`CREATE INDEX assets_customer_idx ON assets (customer_id, mode, id)`);
    await q.query(`CREATE INDEX assets_group_idx ON assets (group_id)`);
    await q.query(`CREATE INDEX assets_due_idx ON assets (next_poll_at) WHERE status = 'processing'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE assets`);
    await q.query(`DROP TABLE asset_groups`);
  }
}
