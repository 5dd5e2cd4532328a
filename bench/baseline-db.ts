/**
 * The database-path baseline: bare node:http + pg doing what the gateway's hot paths do in the
 * database — the same statements, the same parameters, the same round trips (one per request),
 * named (prepared) statements on a pool of the gateway's size, the key looked up in memory — and
 * nothing else: no framework, no validation layer, no logging, no metrics.
 *
 * Env: DATABASE_URL, PORT, KEYS_JSON ({ token: { customerId, keyId, mode } }), MAX_ACTIVE, MAX_QUEUED.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { Pool } from 'pg';

interface KeyInfo {
  customerId: string;
  keyId: string;
  mode: 'live' | 'test';
}

// The same texts as libs/jobs/src/jobs.repository.ts and libs/credits-ledger/src/credits.repository.ts.
export const JOB_COLUMNS = `id, customer_id AS "customerId", api_key_id AS "apiKeyId", mode, type, status, phase, request,
  price, refunded, provider, provider_account_id AS "providerAccountId", provider_task_id AS "providerTaskId",
  result_key AS "resultKey", result_content_type AS "resultContentType", result_bytes AS "resultBytes",
  error_code AS "errorCode", error_message AS "errorMessage", attempts, polls, next_poll_at AS "nextPollAt",
  last_checked_at AS "lastCheckedAt", lease_owner AS "leaseOwner", lease_until AS "leaseUntil",
  deadline_at AS "deadlineAt", submitted_at AS "submittedAt", provider_completed_at AS "providerCompletedAt",
  created_at AS "createdAt", updated_at AS "updatedAt", completed_at AS "completedAt"`;
export const SQL_CREATE = `SELECT * FROM gw_create_job($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, make_interval(secs => $13), $14, $15, $16)`;
export const SQL_FIND = `SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1 AND customer_id = $2 AND mode = $3`;
export const SQL_LIST = `SELECT ${JOB_COLUMNS} FROM jobs WHERE customer_id = $1 AND mode = $2 ORDER BY id DESC LIMIT $3`;
export const SQL_USAGE = `SELECT customer_id AS "customerId", mode, balance::float8 AS balance, reserved::float8 AS reserved FROM credit_accounts WHERE customer_id = ANY($1::text[])`;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function b62(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    out += BASE62[b % 62];
  }
  return out;
}
function newJobId(): string {
  let n = Date.now();
  let time = '';
  for (let i = 0; i < 8; i++) {
    time = BASE62[n % 62] + time;
    n = Math.floor(n / 62);
  }
  return `job_${time}${b62(randomBytes(16))}`;
}

const digest = (v: string) => createHash('sha256').update(v).digest('base64url');

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function view(row: Record<string, unknown>) {
  return {
    jobId: row.id,
    type: row.type,
    status: row.status,
    chargedCredits: Number(row.price),
    refundedCredits: Number(row.refunded),
    createdAt: new Date(row.createdAt as string).toISOString(),
    updatedAt: new Date(row.updatedAt as string).toISOString(),
    completedAt: row.completedAt ? new Date(row.completedAt as string).toISOString() : null,
    error: null,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function main(): void {
  const keys = new Map<string, KeyInfo>(Object.entries(JSON.parse(process.env.KEYS_JSON ?? '{}') as Record<string, KeyInfo>));
  const maxActive = Number(process.env.MAX_ACTIVE ?? 1_000_000);
  const maxQueued = Number(process.env.MAX_QUEUED ?? 1_000_000);
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const auth = req.headers.authorization ?? '';
    const principal = keys.get(auth.startsWith('Bearer ') ? auth.slice(7) : '');
    const url = req.url ?? '/';
    if (url === '/health') {
      send(res, 200, { ok: true });
      return;
    }
    if (!principal) {
      send(res, 401, { ok: false, error: { code: 'unauthorized' } });
      return;
    }
    if (req.method === 'POST' && url === '/v1/images/generate') {
      const dto = JSON.parse(await readBody(req)) as { prompt: string; quality?: 'LOW' | 'MEDIUM'; size?: string };
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || key === '') {
        send(res, 400, { ok: false });
        return;
      }
      const request = { type: 'image', prompt: dto.prompt, quality: dto.quality ?? 'LOW', size: dto.size ?? '1:1_SMALL' };
      const price = request.quality === 'LOW' ? 20 : 50;
      const fingerprint = digest(
        JSON.stringify({ type: 'image', prompt: request.prompt, size: request.size, quality: request.quality, duration: null, motionHasAudio: null, reference: null, assetIds: [] }),
      );
      const { rows } = await pool.query({
        name: 'jobs.create',
        text: SQL_CREATE,
        values: [principal.customerId, principal.mode, principal.keyId, key, fingerprint, newJobId(), 'image', request, price, 'processing', maxActive, maxQueued, 900, `req_${b62(randomBytes(20))}`, null, null],
      });
      const row = rows[0] as { outcome: string; job_id: string; status: string; price: string };
      if (row.outcome === 'created' || row.outcome === 'replay') {
        if (row.outcome === 'replay') {
          res.setHeader('idempotent-replayed', 'true');
        }
        send(res, 202, { ok: true, jobId: row.job_id, status: row.status, type: 'image', chargedCredits: Number(row.price) });
      } else {
        send(res, row.outcome === 'balance_low' ? 402 : 409, { ok: false, error: { code: row.outcome } });
      }
      return;
    }
    if (req.method === 'GET' && url.startsWith('/v1/jobs/')) {
      const { rows } = await pool.query({ name: 'jobs.find_for_customer', text: SQL_FIND, values: [url.slice('/v1/jobs/'.length), principal.customerId, principal.mode] });
      if (rows.length === 0) {
        send(res, 404, { ok: false, error: { code: 'not_found' } });
        return;
      }
      send(res, 200, { ok: true, ...view(rows[0] as Record<string, unknown>) });
      return;
    }
    if (req.method === 'GET' && (url === '/v1/jobs' || url.startsWith('/v1/jobs?'))) {
      const limit = 20;
      const { rows } = await pool.query({ name: 'jobs.list.customer_id.mode', text: SQL_LIST, values: [principal.customerId, principal.mode, limit + 1] });
      const data = (rows as Record<string, unknown>[]).slice(0, limit).map(view);
      send(res, 200, { ok: true, data, nextCursor: rows.length > limit ? Buffer.from(String(data[data.length - 1].jobId)).toString('base64url') : null });
      return;
    }
    if (req.method === 'GET' && url === '/v1/usage') {
      const { rows } = await pool.query({ name: 'credits.usage', text: SQL_USAGE, values: [[principal.customerId]] });
      const account = (rows as { mode: string; balance: number; reserved: number }[]).find((r) => r.mode === principal.mode);
      const balance = account?.balance ?? 0;
      const reserved = account?.reserved ?? 0;
      send(res, 200, { ok: true, mode: principal.mode, creditsBalance: balance, creditsReserved: reserved, creditsAvailable: balance - reserved });
      return;
    }
    send(res, 404, { ok: false, error: { code: 'not_found' } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { ok: false, error: { code: 'internal', message: String(error) } }));
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('baseline-db listening\n'));
  process.once('SIGTERM', () => {
    server.close();
    void pool.end().finally(() => process.exit(0));
  });
}

if (require.main === module) {
  main();
}
