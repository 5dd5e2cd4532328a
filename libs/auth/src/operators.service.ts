import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, DomainException, isId, newId, notFound } from '@app/common';
import { AuditService } from './audit.service';
import { type OperatorView, toOperatorView } from './console-auth.service';
import type { RequestContext } from './operator.decorators';
import { OperatorsRepository } from './operators.repository';
import { hashPassword } from './password';
import { SessionsService } from './sessions.service';

/** Operators managing operators: add a colleague, reset a colleague's TOTP, end someone's sessions. */
@Injectable()
export class OperatorsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Operators');

  constructor(
    private readonly repository: OperatorsRepository,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The first operator from ADMIN_EMAIL / ADMIN_PASSWORD, only while there is none. */
  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (!adminEmail || !adminPassword || (await this.repository.count()) > 0) {
      return;
    }
    const id = newId('op');
    if (await this.repository.insertFirst({ id, email: adminEmail, passwordHash: await hashPassword(adminPassword) })) {
      await this.audit.record(undefined, { actor: 'system', action: 'operator.created', targetType: 'operator', targetId: id, summary: { email: adminEmail, first: true } });
      this.logger.log({ operatorId: id, msg: 'created the first console operator from ADMIN_EMAIL' });
    }
  }

  async list(): Promise<OperatorView[]> {
    return (await this.repository.list()).map(toOperatorView);
  }

  async create(input: { email: string; password: string }, ctx: RequestContext): Promise<OperatorView> {
    const email = input.email.trim();
    const row = await this.repository.insert({ id: newId('op'), email, passwordHash: await hashPassword(input.password), createdBy: ctx.actor });
    if (!row) {
      throw new DomainException('conflict', 'An operator with this email exists', [{ field: 'email', message: 'already in use' }]);
    }
    await this.audit.record(undefined, { actor: ctx.actor, action: 'operator.created', targetType: 'operator', targetId: row.id, requestId: ctx.requestId, summary: { email } });
    return toOperatorView(row);
  }

  /** Clears a colleague's authenticator and signs them out everywhere; they enroll again at next login. */
  async resetTotp(operatorId: string, ctx: RequestContext): Promise<OperatorView> {
    if (ctx.actor === `operator:${operatorId}`) {
      throw new DomainException('forbidden', "Ask a colleague to reset your authenticator; you cannot reset your own");
    }
    const row = isId('op', operatorId) ? await this.repository.resetTotp(operatorId) : undefined;
    if (!row) {
      throw notFound('Operator');
    }
    const revoked = await this.sessions.revokeAll(operatorId);
    await this.audit.record(undefined, { actor: ctx.actor, action: 'operator.totp_reset', targetType: 'operator', targetId: operatorId, requestId: ctx.requestId, summary: { sessionsRevoked: revoked } });
    return toOperatorView(row);
  }

  async revokeSessions(operatorId: string, ctx: RequestContext): Promise<number> {
    if (!isId('op', operatorId) || !(await this.repository.findById(operatorId))) {
      throw notFound('Operator');
    }
    const revoked = await this.sessions.revokeAll(operatorId);
    await this.audit.record(undefined, { actor: ctx.actor, action: 'operator.sessions_revoked', targetType: 'operator', targetId: operatorId, requestId: ctx.requestId, summary: { revoked } });
    return revoked;
  }
}
