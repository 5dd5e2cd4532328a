import { Injectable } from '@nestjs/common';
import { DomainException } from '@app/common';
import type { SessionStage } from './operator-session.entity';
import { OperatorsRepository, type SessionRow } from './operators.repository';
import { STATE_CHANGING_METHODS, isWellFormedToken, newCsrfToken, newSessionToken, sameSecret, sessionIdOf } from './session-tokens';

/** Lifetimes: a half-finished login lives minutes; a full session 30 idle minutes, 12 hours at most. */
export const SESSION_TTL: Record<SessionStage, { idleSeconds: number; absoluteSeconds: number }> = {
  enrollment: { idleSeconds: 10 * 60, absoluteSeconds: 15 * 60 },
  password: { idleSeconds: 5 * 60, absoluteSeconds: 5 * 60 },
  full: { idleSeconds: 30 * 60, absoluteSeconds: 12 * 60 * 60 },
};

export interface IssuedSession {
  /** The cookie value. */
  token: string;
  csrfToken: string;
  stage: SessionStage;
  maxAgeSeconds: number;
}

export interface ActiveSession extends SessionRow {
  id: string;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

@Injectable()
export class SessionsService {
  constructor(private readonly repository: OperatorsRepository) {}

  /** A fresh id for every step: a session is never promoted in place (no fixation). */
  async issue(operatorId: string, stage: SessionStage, client: ClientInfo): Promise<IssuedSession> {
    const token = newSessionToken();
    const csrfToken = newCsrfToken();
    const ttl = SESSION_TTL[stage];
    await this.repository.createSession({
      id: sessionIdOf(token),
      operatorId,
      stage,
      csrfToken,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
      ...ttl,
    });
    return { token, csrfToken, stage, maxAgeSeconds: ttl.absoluteSeconds };
  }

  /** The live session behind a cookie value, or undefined. Every lookup reads the database, so a revocation holds on every instance at once. */
  async resolve(token: string | undefined): Promise<ActiveSession | undefined> {
    if (!isWellFormedToken(token)) {
      return undefined;
    }
    const id = sessionIdOf(token);
    // Partial stages' idle extension is capped by their short absolute expiry.
    const touched = await this.repository.touchSession(id, SESSION_TTL.full.idleSeconds);
    return touched ? { ...touched, id } : undefined;
  }

  /**
   * The session a request must hold, of one of `stages`, with the synchronizer token on
   * state-changing methods: 401 `unauthenticated` without it, 403 `csrf_failed` on a bad token.
   */
  async require(token: string | undefined, method: string, csrfHeader: unknown, stages: SessionStage[]): Promise<ActiveSession> {
    const session = await this.resolve(token);
    if (!session || !stages.includes(session.stage)) {
      throw new DomainException('unauthenticated', 'Sign in to the console first');
    }
    assertCsrf(session, method, csrfHeader);
    return session;
  }

  revoke(sessionId: string): Promise<void> {
    return this.repository.revokeSession(sessionId);
  }

  revokeToken(token: string | undefined): Promise<void> {
    return isWellFormedToken(token) ? this.repository.revokeSession(sessionIdOf(token)) : Promise.resolve();
  }

  revokeAll(operatorId: string): Promise<number> {
    return this.repository.revokeAllSessions(operatorId);
  }
}

/** The synchronizer-token check for cookie-authenticated changes. */
export function assertCsrf(session: { csrfToken: string }, method: string, header: unknown): void {
  if (!STATE_CHANGING_METHODS.has(method.toUpperCase())) {
    return;
  }
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || !sameSecret(value, session.csrfToken)) {
    throw new DomainException('csrf_failed', 'Send the X-CSRF-Token header with the token from the login response');
  }
}
