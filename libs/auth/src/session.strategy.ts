import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type OperatorAuthStrategy, OperatorAuthStrategies, type OperatorPrincipal } from './operator-auth.strategies';
import { CSRF_HEADER, SESSION_COOKIE } from './session-tokens';
import { SessionsService, assertCsrf } from './sessions.service';

export function sessionCookieOf(request: FastifyRequest): string | undefined {
  const cookies = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies;
  return cookies?.[SESSION_COOKIE];
}

/**
 * The console's way into the operator API: a `full` session cookie, plus the synchronizer token on
 * every state-changing method (else 403 `csrf_failed`). Partial (enrollment, password) sessions
 * reach nothing here.
 */
@Injectable()
export class SessionStrategy implements OperatorAuthStrategy, OnModuleInit {
  readonly name = 'console-session';

  constructor(
    private readonly sessions: SessionsService,
    private readonly strategies: OperatorAuthStrategies,
  ) {}

  onModuleInit(): void {
    this.strategies.register(this);
  }

  async authenticate(request: FastifyRequest): Promise<OperatorPrincipal | undefined> {
    const token = sessionCookieOf(request);
    if (token === undefined) {
      return undefined;
    }
    const session = await this.sessions.resolve(token);
    if (!session || session.stage !== 'full') {
      return undefined;
    }
    assertCsrf(session, request.method, request.headers[CSRF_HEADER]);
    return { actor: `operator:${session.operatorId}`, via: 'session', operatorId: session.operatorId };
  }
}
