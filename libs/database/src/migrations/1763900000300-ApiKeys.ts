import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Customer API keys: only the SHA-256 hash and a display prefix are stored, never the key. */
export class ApiKeys1763900000300 implements MigrationInterface {
  name = 'ApiKeys1763900000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id text COLLATE "C" PRIMARY KEY,
        customer_id text COLLATE "C" NOT NULL CONSTRAINT api_keys_customer_fkey REFERENCES customers(id),
        mode text NOT NULL CONSTRAINT api_keys_mode_check CHECK (mode IN ('live', 'test')),
        name text,
        prefix text NOT NULL,
        key_hash text COLLATE "C" NOT NULL CONSTRAINT api_keys_key_hash_check CHECK (key_hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
      )`);
    await q.query(`CREATE INDEX api_keys_customer_idx ON api_keys (customer_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
  }
}
