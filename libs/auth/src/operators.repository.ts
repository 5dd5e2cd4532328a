import { Injectable } from '@nestjs/common';
import { Sql } from '@app/database';
import type { OperatorStatus } from './operator.entity';
import type { SessionStage } from './operator-session.entity';

export interface OperatorRow {
  id: string;
  email: string;
  passwordHash: string;
  status: OperatorStatus;
  totpSecretSealed: string | null;
  totpConfirmedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SessionRow {
  operatorId: string;
  email: string;
  stage: SessionStage;
  csrfToken: string;
  absoluteExpiresAt: Date;
}

export interface NewSession {
  id: string;
  operatorId: string;
  stage: SessionStage;
  csrfToken: string;
  ip: string | null;
  userAgent: string | null;
  idleSeconds: number;
  absoluteSeconds: number;
}

const OPERATOR_COLUMNS = `id, email, password_hash AS "passwordHash", status, totp_secret_sealed AS "totpSecretSealed",
  totp_confirmed_at AS "totpConfirmedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Every statement on operators and their sessions. */
@Injectable()
export class OperatorsRepository {
  constructor(private readonly sql: Sql) {}

  async count(): Promise<number> {
    const [row] = await this.sql.query<{ n: string }>('operators.count', `SELECT count(*) AS n FROM operators`);
    return Number(row.n);
  }

  /** Inserts unless the email is taken (case-insensitively); undefined then. */
  async insert(p: { id: string; email: string; passwordHash: string; createdBy: string | null }): Promise<OperatorRow | undefined> {
    const [row] = await this.sql.query<OperatorRow>(
      'operators.insert',
      `INSERT INTO operators (id, email, password_hash, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT ((lower(email))) DO NOTHING RETURNING ${OPERATOR_COLUMNS}`,
      [p.id, p.email, p.passwordHash, p.createdBy],
    );
    return row;
  }

  /** The first operator, only while the table is empty (instances starting together insert one). */
  async insertFirst(p: { id: string; email: string; passwordHash: string }): Promise<boolean> {
    const rows = await this.sql.query(
      'operators.insert_first',
      `INSERT INTO operators (id, email, password_hash, created_by)
       SELECT $1, $2, $3, 'system' WHERE NOT EXISTS (SELECT 1 FROM operators)
       ON CONFLICT DO NOTHING RETURNING 1 AS ok`,
      [p.id, p.email, p.passwordHash],
    );
    return rows.length > 0;
  }

  async findByEmail(email: string): Promise<OperatorRow | undefined> {
    const [row] = await this.sql.query<OperatorRow>('operators.find_by_email', `SELECT ${OPERATOR_COLUMNS} FROM operators WHERE lower(email) = lower($1)`, [email]);
    return row;
  }

  async findById(id: string): Promise<OperatorRow | undefined> {
    const [row] = await this.sql.query<OperatorRow>('operators.find', `SELECT ${OPERATOR_COLUMNS} FROM operators WHERE id = $1`, [id]);
    return row;
  }

  list(): Promise<OperatorRow[]> {
    return this.sql.query<OperatorRow>('operators.list', `SELECT ${OPERATOR_COLUMNS} FROM operators ORDER BY id LIMIT 1000`);
  }

  /** Stores a new pending secret; refused (false) once TOTP is confirmed. */
  async setPendingSecret(id: string, sealed: string): Promise<boolean> {
    const rows = await this.sql.query(
      'operators.set_pending_secret',
      `UPDATE operators SET totp_secret_sealed = $2, totp_last_step = NULL, updated_at = now()
        WHERE id = $1 AND totp_confirmed_at IS NULL RETURNING 1 AS ok`,
      [id, sealed],
    );
    return rows.length > 0;
  }

  /**
   * Compare-and-set of the last accepted TOTP step: true only if `step` is later than every step
   * accepted before, on any instance. `confirm` also marks the pending secret as enrolled.
   */
  async acceptTotpStep(id: string, step: number, confirm: boolean): Promise<boolean> {
    const rows = await this.sql.query(
      'operators.accept_totp_step',
      `UPDATE operators SET totp_last_step = $2,
              totp_confirmed_at = CASE WHEN $3::boolean THEN COALESCE(totp_confirmed_at, now()) ELSE totp_confirmed_at END,
              updated_at = CASE WHEN $3::boolean THEN now() ELSE updated_at END
        WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)
          AND totp_secret_sealed IS NOT NULL AND (totp_confirmed_at IS NOT NULL) = NOT $3::boolean
        RETURNING 1 AS ok`,
      [id, step, confirm],
    );
    return rows.length > 0;
  }

  async resetTotp(id: string): Promise<OperatorRow | undefined> {
    const [row] = await this.sql.query<OperatorRow>(
      'operators.reset_totp',
      `UPDATE operators SET totp_secret_sealed = NULL, totp_confirmed_at = NULL, totp_last_step = NULL, updated_at = now()
        WHERE id = $1 RETURNING ${OPERATOR_COLUMNS}`,
      [id],
    );
    return row;
  }

  async createSession(s: NewSession): Promise<void> {
    await this.sql.query(
      'operator_sessions.insert',
      `INSERT INTO operator_sessions (id, operator_id, stage, csrf_token, ip, user_agent, idle_expires_at, absolute_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7), now() + make_interval(secs => $8))`,
      [s.id, s.operatorId, s.stage, s.csrfToken, s.ip, s.userAgent, s.idleSeconds, Math.max(s.idleSeconds, s.absoluteSeconds)],
    );
  }

  /**
   * A live session of an active operator, its idle expiry pushed forward (never past the absolute
   * one). Revoked, expired or unknown ids answer undefined.
   */
  async touchSession(id: string, idleSeconds: number): Promise<SessionRow | undefined> {
    const [row] = await this.sql.query<SessionRow>(
      'operator_sessions.touch',
      `UPDATE operator_sessions s
          SET last_seen_at = now(), idle_expires_at = least(now() + make_interval(secs => $2), s.absolute_expires_at)
         FROM operators o
        WHERE s.id = $1 AND o.id = s.operator_id AND o.status = 'active' AND s.revoked_at IS NULL
          AND s.idle_expires_at > now() AND s.absolute_expires_at > now()
        RETURNING s.operator_id AS "operatorId", o.email, s.stage, s.csrf_token AS "csrfToken", s.absolute_expires_at AS "absoluteExpiresAt"`,
      [id, idleSeconds],
    );
    return row;
  }

  async revokeSession(id: string): Promise<void> {
    await this.sql.query('operator_sessions.revoke', `UPDATE operator_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
  }

  async revokeAllSessions(operatorId: string): Promise<number> {
    const rows = await this.sql.query(
      'operator_sessions.revoke_all',
      `UPDATE operator_sessions SET revoked_at = now() WHERE operator_id = $1 AND revoked_at IS NULL RETURNING 1 AS ok`,
      [operatorId],
    );
    return rows.length;
  }

  /** Old rows are kept a while for the audit trail, then dropped. */
  async purgeSessions(olderThanDays: number): Promise<number> {
    const rows = await this.sql.query(
      'operator_sessions.purge',
      `DELETE FROM operator_sessions WHERE absolute_expires_at < now() - make_interval(days => $1) RETURNING 1 AS ok`,
      [olderThanDays],
    );
    return rows.length;
  }
}
