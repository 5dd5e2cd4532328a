import { Injectable } from '@nestjs/common';
import { Sql } from '@app/database';
import type { GenerationRequest, Mode } from '@app/provider-accounts';
import type { JobStatus, JobTypeName } from './dto/job.dto';

export type JobPhase = 'pending_submit' | 'submission_unknown' | 'polling' | 'done';

export interface JobRow {
  id: string;
  customerId: string;
  apiKeyId: string | null;
  mode: Mode;
  type: JobTypeName;
  status: JobStatus;
  phase: JobPhase;
  request: GenerationRequest;
  price: string;
  refunded: string;
  provider: string | null;
  providerAccountId: string | null;
  providerTaskId: string | null;
  resultKey: string | null;
  resultContentType: string | null;
  resultBytes: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  polls: number;
  nextPollAt: Date | null;
  lastCheckedAt: Date | null;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  deadlineAt: Date;
  submittedAt: Date | null;
  providerCompletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

/** A job claimed by a worker, with the database's verdict on its deadline. */
export interface ClaimedJob extends JobRow {
  expired: boolean;
}

const COLUMNS = `id, customer_id AS "customerId", api_key_id AS "apiKeyId", mode, type, status, phase, request,
  price, refunded, provider, provider_account_id AS "providerAccountId", provider_task_id AS "providerTaskId",
  result_key AS "resultKey", result_content_type AS "resultContentType", result_bytes AS "resultBytes",
  error_code AS "errorCode", error_message AS "errorMessage", attempts, polls, next_poll_at AS "nextPollAt",
  last_checked_at AS "lastCheckedAt", lease_owner AS "leaseOwner", lease_until AS "leaseUntil",
  deadline_at AS "deadlineAt", submitted_at AS "submittedAt", provider_completed_at AS "providerCompletedAt",
  created_at AS "createdAt", updated_at AS "updatedAt", completed_at AS "completedAt"`;

const J_COLUMNS = COLUMNS.split(',')
  .map((c) => `j.${c.trim()}`)
  .join(', ');

export interface CreateJobParams {
  customerId: string;
  mode: Mode;
  apiKeyId: string | null;
  idempotencyKey: string;
  fingerprint: string;
  jobId: string;
  type: JobTypeName;
  request: GenerationRequest;
  price: number;
  status: 'queued' | 'processing';
  maxActive: number;
  maxQueued: number;
  deadlineSeconds: number;
  requestId: string;
  /** Live jobs: the account chosen before the reservation. */
  provider: string | null;
  providerAccountId: string | null;
}

export type CreateJobResult =
  | { outcome: 'created'; jobId: string; status: JobStatus; price: number; createdAt: Date }
  | { outcome: 'replay'; jobId: string; status: JobStatus; price: number; createdAt: Date }
  | { outcome: 'conflict' | 'in_progress'; jobId: string }
  | { outcome: 'rate_limited'; price: number }
  | { outcome: 'balance_low'; price: number; available: number };

export interface SettleParams {
  jobId: string;
  leaseOwner: string | null;
  status: 'succeeded' | 'failed' | 'canceled';
  errorCode?: string;
  errorMessage?: string;
  resultKey?: string;
  resultContentType?: string;
  resultBytes?: number;
  capture?: number;
  actor: string;
  providerCompletedAt?: Date;
}

export interface JobEventRow {
  kind: string;
  detail: Record<string, unknown>;
  createdAt: Date;
}

/** All SQL of the jobs module. Statements on the hot paths are named (prepared once per connection). */
@Injectable()
export class JobsRepository {
  constructor(private readonly sql: Sql) {}

  async create(p: CreateJobParams): Promise<CreateJobResult> {
    const [row] = await this.sql.query<{ outcome: string; job_id: string; status: JobStatus; price: string; available: string; created_at: Date }>(
      'jobs.create',
      `SELECT * FROM gw_create_job($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, make_interval(secs => $13), $14, $15, $16)`,
      [
        p.customerId,
        p.mode,
        p.apiKeyId,
        p.idempotencyKey,
        p.fingerprint,
        p.jobId,
        p.type,
        p.request,
        p.price,
        p.status,
        p.maxActive,
        p.maxQueued,
        p.deadlineSeconds,
        p.requestId,
        p.provider,
        p.providerAccountId,
      ],
    );
    switch (row.outcome) {
      case 'created':
      case 'replay':
        return { outcome: row.outcome, jobId: row.job_id, status: row.status, price: Number(row.price), createdAt: row.created_at };
      case 'conflict':
      case 'in_progress':
        return { outcome: row.outcome, jobId: row.job_id };
      case 'rate_limited':
        return { outcome: 'rate_limited', price: Number(row.price) };
      case 'balance_low':
        return { outcome: 'balance_low', price: Number(row.price), available: Number(row.available) };
      default:
        throw new Error(`gw_create_job answered an unknown outcome: ${row.outcome}`);
    }
  }

  async findForCustomer(customerId: string, mode: Mode, jobId: string): Promise<JobRow | undefined> {
    const [row] = await this.sql.query<JobRow>('jobs.find_for_customer', `SELECT ${COLUMNS} FROM jobs WHERE id = $1 AND customer_id = $2 AND mode = $3`, [
      jobId,
      customerId,
      mode,
    ]);
    return row;
  }

  async findById(jobId: string): Promise<JobRow | undefined> {
    const [row] = await this.sql.query<JobRow>('jobs.find', `SELECT ${COLUMNS} FROM jobs WHERE id = $1`, [jobId]);
    return row;
  }

  async list(filter: { customerId?: string; mode?: Mode; status?: JobStatus; type?: JobTypeName; before?: string; limit: number }): Promise<JobRow[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      values.push(value);
      where.push(clause.replace('?', `$${values.length}`));
    };
    if (filter.customerId !== undefined) {
      add('customer_id = ?', filter.customerId);
    }
    if (filter.mode !== undefined) {
      add('mode = ?', filter.mode);
    }
    if (filter.status !== undefined) {
      add('status = ?', filter.status);
    }
    if (filter.type !== undefined) {
      add('type = ?', filter.type);
    }
    if (filter.before !== undefined) {
      add('id < ?', filter.before);
    }
    values.push(filter.limit + 1);
    const text = `SELECT ${COLUMNS} FROM jobs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${values.length}`;
    const name = `jobs.list.${where.map((w) => w.split(' ')[0]).join('.')}`;
    return this.sql.query<JobRow>(name, text, values);
  }

  /**
   * Leases up to `limit` due jobs to `owner`. The lease moves `next_poll_at` to its end, so a leased
   * job is not due for anyone else, and a crashed owner's jobs become due again when it expires.
   */
  claimDue(owner: string, leaseSeconds: number, limit: number): Promise<ClaimedJob[]> {
    return this.sql.query<ClaimedJob>(
      'jobs.claim_due',
      `UPDATE jobs j SET lease_owner = $1, lease_until = now() + make_interval(secs => $2), next_poll_at = now() + make_interval(secs => $2)
         FROM (SELECT id FROM jobs WHERE next_poll_at <= now() ORDER BY next_poll_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
        WHERE j.id = due.id
       RETURNING ${J_COLUMNS}, now() > j.deadline_at AS expired`,
      [owner, leaseSeconds, limit],
    );
  }

  /** Leases one in-flight job for a synchronous check on read, unless a worker holds it. */
  async claimOne(jobId: string, owner: string, leaseSeconds: number): Promise<ClaimedJob | undefined> {
    const [row] = await this.sql.query<ClaimedJob>(
      'jobs.claim_one',
      `UPDATE jobs j SET lease_owner = $2, lease_until = now() + make_interval(secs => $3), next_poll_at = now() + make_interval(secs => $3)
        WHERE j.id = $1 AND j.status IN ('queued', 'processing') AND j.phase = 'polling'
          AND (j.lease_owner IS NULL OR j.lease_until < now())
       RETURNING ${J_COLUMNS}, now() > j.deadline_at AS expired`,
      [jobId, owner, leaseSeconds],
    );
    return row;
  }

  async renewLease(jobId: string, owner: string, leaseSeconds: number): Promise<boolean> {
    const rows = await this.sql.query(
      'jobs.renew_lease',
      `UPDATE jobs SET lease_until = now() + make_interval(secs => $3), next_poll_at = now() + make_interval(secs => $3)
        WHERE id = $1 AND lease_owner = $2 RETURNING 1 AS ok`,
      [jobId, owner, leaseSeconds],
    );
    return rows.length > 0;
  }

  /** Submission accepted: remember the task, release the lease, check again after `delayMs`. */
  async markSubmitted(jobId: string, owner: string, taskId: string, providerName: string, delayMs: number): Promise<boolean> {
    const rows = await this.sql.query(
      'jobs.mark_submitted',
      `WITH u AS (
         UPDATE jobs SET phase = 'polling', provider = COALESCE(provider, $4), provider_task_id = $3, submitted_at = now(), attempts = 0,
                lease_owner = NULL, lease_until = NULL, next_poll_at = now() + make_interval(secs => $5::float8 / 1000), updated_at = now()
          WHERE id = $1 AND lease_owner = $2 AND status IN ('queued', 'processing')
         RETURNING id)
       INSERT INTO job_events (job_id, kind, detail) SELECT id, 'submitted', jsonb_build_object('provider', $4::text, 'worker', $2::text) FROM u RETURNING 1 AS ok`,
      [jobId, owner, taskId, providerName, delayMs],
    );
    return rows.length > 0;
  }

  /**
   * Still running (or a transient error): release the lease and check again after `delayMs`.
   * `transient` counts an attempt; `'keep'` (our own budget was full, nothing left) leaves it as is.
   */
  async reschedule(jobId: string, owner: string, delayMs: number, transient: boolean | 'keep'): Promise<boolean> {
    const rows = await this.sql.query(
      'jobs.reschedule',
      `UPDATE jobs SET lease_owner = NULL, lease_until = NULL, next_poll_at = now() + make_interval(secs => $3::float8 / 1000),
              last_checked_at = now(), polls = polls + 1,
              attempts = CASE $4::text WHEN 'true' THEN attempts + 1 WHEN 'keep' THEN attempts ELSE 0 END, updated_at = now()
        WHERE id = $1 AND lease_owner = $2 RETURNING 1 AS ok`,
      [jobId, owner, delayMs, String(transient)],
    );
    return rows.length > 0;
  }

  /** Moves a job that has not reached any provider to another account (fenced by the lease). */
  async assignAccount(jobId: string, owner: string, accountId: string, reason: string): Promise<boolean> {
    const rows = await this.sql.query(
      'jobs.assign_account',
      `WITH u AS (
         UPDATE jobs SET provider_account_id = $3, updated_at = now()
          WHERE id = $1 AND lease_owner = $2 AND phase = 'pending_submit' RETURNING id)
       INSERT INTO job_events (job_id, kind, detail) SELECT id, 'rerouted', jsonb_build_object('providerAccountId', $3::text, 'reason', $4::text) FROM u RETURNING 1 AS ok`,
      [jobId, owner, accountId, reason],
    );
    return rows.length > 0;
  }

  async markSubmissionUnknown(jobId: string, owner: string, reason: string): Promise<boolean> {
    const rows = await this.sql.query(
      'jobs.mark_unknown',
      `WITH u AS (
         UPDATE jobs SET phase = 'submission_unknown', lease_owner = NULL, lease_until = NULL, next_poll_at = now(), updated_at = now()
          WHERE id = $1 AND lease_owner = $2 RETURNING id)
       INSERT INTO job_events (job_id, kind, detail) SELECT id, 'submission_unknown', jsonb_build_object('reason', $3::text) FROM u RETURNING 1 AS ok`,
      [jobId, owner, reason],
    );
    return rows.length > 0;
  }

  async settle(p: SettleParams): Promise<{ settled: boolean; refunded: number }> {
    const [row] = await this.sql.query<{ settled: boolean; refunded: string }>(
      'jobs.settle',
      `SELECT * FROM gw_settle_job($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        p.jobId,
        p.leaseOwner,
        p.status,
        p.errorCode ?? null,
        p.errorMessage ?? null,
        p.resultKey ?? null,
        p.resultContentType ?? null,
        p.resultBytes ?? null,
        p.capture ?? null,
        p.actor,
        p.providerCompletedAt ?? null,
      ],
    );
    return { settled: row.settled, refunded: Number(row.refunded) };
  }

  events(jobId: string): Promise<JobEventRow[]> {
    return this.sql.query<JobEventRow>('jobs.events', `SELECT kind, detail, created_at AS "createdAt" FROM job_events WHERE job_id = $1 ORDER BY id`, [jobId]);
  }

  async purgeIdempotencyKeys(olderThanHours: number, batch: number): Promise<number> {
    const rows = await this.sql.query(
      'jobs.purge_idempotency',
      `DELETE FROM idempotency_keys WHERE ctid IN (
         SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) LIMIT $2)
       RETURNING 1 AS ok`,
      [olderThanHours, batch],
    );
    return rows.length;
  }

  /** Seconds the oldest due job has waited past its `next_poll_at` (0 when nothing is late). */
  async schedulerLagSeconds(): Promise<number> {
    const [row] = await this.sql.query<{ lag: number | null }>(
      'jobs.lag',
      `SELECT EXTRACT(EPOCH FROM now() - min(next_poll_at))::float8 AS lag FROM jobs WHERE next_poll_at <= now()`,
    );
    return Math.max(0, row?.lag ?? 0);
  }
}
