import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Console operators (argon2id password, TOTP secret sealed under SECRETS_KEY, the last accepted TOTP
 * step for replay protection) and their server-side sessions (only the SHA-256 of the cookie value).
 */
export class Operators1763900000600 implements MigrationInterface {
  name = 'Operators1763900000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE operators (
        id text COLLATE "C" PRIMARY KEY,
        email text NOT NULL,
        password_hash text NOT NULL,
        status text NOT NULL DEFAULT 'active' CONSTRAINT operators_status_check CHECK (status IN ('active', 'disabled')),
        totp_secret_sealed text,
        totp_confirmed_at timestamptz,
        totp_last_step bigint,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX operators_email_lower_key ON operators (lower(email))`);
    await q.query(`
      CREATE TABLE operator_sessions (
        id text COLLATE "C" PRIMARY KEY CONSTRAINT operator_sessions_id_check CHECK (id ~ '^[0-9a-f]{64}$'),
        operator_id text COLLATE "C" NOT NULL CONSTRAINT operator_sessions_operator_fkey REFERENCES operators(id),
        stage text NOT NULL CONSTRAINT operator_sessions_stage_check CHECK (stage IN ('enrollment', 'password', 'full')),
        csrf_token text NOT NULL,
        ip text,
        user_agent text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        idle_expires_at timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX operator_sessions_operator_idx ON operator_sessions (operator_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE operator_sessions`);
    await q.query(`DROP TABLE operators`);
  }
}
