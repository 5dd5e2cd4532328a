import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, DomainException, SecretBox } from '@app/common';
import { AuditService } from './audit.service';
import { LoginThrottle } from '@app/throttling';
import type { OperatorStatus } from './operator.entity';
import { OperatorsRepository, type OperatorRow } from './operators.repository';
import { hashPassword, verifyPassword } from './password';
import { type ActiveSession, type ClientInfo, type IssuedSession, SessionsService } from './sessions.service';
import { newTotpSecret, otpauthUrl, totpStepOf } from './totp';

export interface OperatorView {
  id: string;
  email: string;
  status: OperatorStatus;
  totpEnrolled: boolean;
  createdAt: string;
}

export function toOperatorView(row: OperatorRow): OperatorView {
  return { id: row.id, email: row.email, status: row.status, totpEnrolled: row.totpConfirmedAt !== null, createdAt: new Date(row.createdAt).toISOString() };
}

export interface LoginInput {
  email: string;
  password: string;
  totp?: string;
}

export interface RequestInfo extends ClientInfo {
  requestId: string;
}

export type LoginOutcome =
  | { kind: 'full'; operator: OperatorView; session: IssuedSession }
  | { kind: 'enrollment'; session: IssuedSession }
  /** Password right, code missing: a password-stage session and 401 `totp_required`. */
  | { kind: 'totp_required'; session: IssuedSession };

const INVALID = 'Email, password or code is wrong';

/**
 * Console sign-in: password (argon2id), then TOTP (or enrollment), with failures throttled per
 * account and per IP and answered identically whether or not the account exists.
 */
@Injectable()
export class ConsoleAuthService implements OnModuleInit {
  private readonly logger = new Logger('ConsoleAuth');
  private box: SecretBox | undefined;
  /** Verified against when the email is unknown, so both cases take the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly repository: OperatorsRepository,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.box = this.config.secretsKey ? new SecretBox(this.config.secretsKey) : undefined;
    this.dummyHash = hashPassword('not-a-password-anyone-has-0000');
  }

  async login(input: LoginInput, request: RequestInfo): Promise<LoginOutcome> {
    const email = input.email.trim().toLowerCase();
    const keys = { email, ip: request.ip ?? 'unknown' };
    await this.assertNotThrottled(keys);

    const operator = await this.repository.findByEmail(email);
    const passwordOk = await verifyPassword(operator?.passwordHash ?? (await this.dummy()), input.password);
    if (!operator || !passwordOk || operator.status !== 'active') {
      await this.fail(keys, request, operator?.id ?? null, email, 'password');
    }
    const op = operator as OperatorRow;

    if (op.totpConfirmedAt === null) {
      const session = await this.sessions.issue(op.id, 'enrollment', request);
      await this.audit.record(undefined, { actor: `operator:${op.id}`, action: 'operator.login_enrollment', targetType: 'operator', targetId: op.id, requestId: request.requestId, summary: { ip: request.ip } });
      return { kind: 'enrollment', session };
    }
    if (input.totp === undefined || input.totp === '') {
      return { kind: 'totp_required', session: await this.sessions.issue(op.id, 'password', request) };
    }
    await this.acceptCode(op, input.totp, false, keys, request);
    await this.throttle.recordSuccess(keys.email);
    const session = await this.sessions.issue(op.id, 'full', request);
    await this.audit.record(undefined, { actor: `operator:${op.id}`, action: 'operator.login', targetType: 'operator', targetId: op.id, requestId: request.requestId, summary: { ip: request.ip } });
    return { kind: 'full', operator: toOperatorView(op), session };
  }

  /** A new pending secret for an enrollment-stage session (again on every call until confirmed). */
  async setupTotp(session: ActiveSession, request: RequestInfo): Promise<{ secret: string; otpauthUrl: string }> {
    const box = this.secretBox();
    const secret = newTotpSecret();
    const stored = await this.repository.setPendingSecret(session.operatorId, box.seal(secret, session.operatorId));
    if (!stored) {
      throw new DomainException('forbidden', 'This operator has already enrolled an authenticator');
    }
    await this.audit.record(undefined, { actor: `operator:${session.operatorId}`, action: 'operator.totp_setup', targetType: 'operator', targetId: session.operatorId, requestId: request.requestId });
    return { secret, otpauthUrl: otpauthUrl(session.email, secret) };
  }

  /** Confirms the pending secret with a code; completes the login like a successful one (new session). */
  async confirmTotp(session: ActiveSession, code: string, request: RequestInfo): Promise<{ operator: OperatorView; session: IssuedSession }> {
    const keys = { email: session.email.toLowerCase(), ip: request.ip ?? 'unknown' };
    await this.assertNotThrottled(keys);
    const operator = await this.repository.findById(session.operatorId);
    if (!operator?.totpSecretSealed) {
      throw new DomainException('invalid_request', 'Call POST /api/auth/totp/setup first', [{ field: 'code', message: 'no authenticator is being set up' }]);
    }
    await this.acceptCode(operator, code, true, keys, request);
    await this.sessions.revoke(session.id);
    const issued = await this.sessions.issue(operator.id, 'full', request);
    const fresh = (await this.repository.findById(operator.id)) ?? operator;
    await this.audit.record(undefined, { actor: `operator:${operator.id}`, action: 'operator.totp_enrolled', targetType: 'operator', targetId: operator.id, requestId: request.requestId });
    await this.audit.record(undefined, { actor: `operator:${operator.id}`, action: 'operator.login', targetType: 'operator', targetId: operator.id, requestId: request.requestId, summary: { ip: request.ip, enrollment: true } });
    return { operator: toOperatorView(fresh), session: issued };
  }

  async logout(session: ActiveSession | undefined, request: RequestInfo): Promise<void> {
    if (!session) {
      return;
    }
    await this.sessions.revoke(session.id);
    await this.audit.record(undefined, { actor: `operator:${session.operatorId}`, action: 'operator.logout', targetType: 'operator', targetId: session.operatorId, requestId: request.requestId });
  }

  async operatorOf(session: ActiveSession): Promise<OperatorView> {
    const row = await this.repository.findById(session.operatorId);
    if (!row) {
      throw new DomainException('unauthenticated', 'Sign in to the console first');
    }
    return toOperatorView(row);
  }

  /** Checks the code and consumes its time step atomically: the same code never works twice, on any instance. */
  private async acceptCode(operator: OperatorRow, code: string, confirm: boolean, keys: LoginAttempt, request: RequestInfo): Promise<void> {
    let secret: string | undefined;
    try {
      secret = operator.totpSecretSealed ? this.secretBox().open(operator.totpSecretSealed, operator.id) : undefined;
    } catch (error) {
      this.logger.error({ err: error, operatorId: operator.id, msg: 'TOTP secret does not open under SECRETS_KEY' });
      throw new DomainException('unavailable', 'The authenticator secret cannot be read; ask a colleague to reset it');
    }
    const step = secret ? totpStepOf(secret, code) : undefined;
    if (step === undefined || !(await this.repository.acceptTotpStep(operator.id, step, confirm))) {
      await this.fail(keys, request, operator.id, operator.email, step === undefined ? 'totp' : 'totp_replayed');
    }
  }

  private async assertNotThrottled(keys: LoginAttempt): Promise<void> {
    await this.throttle.assertAllowed(keys.email, keys.ip);
  }

  private async fail(keys: LoginAttempt, request: RequestInfo, operatorId: string | null, email: string, reason: string): Promise<never> {
    await this.throttle.recordFailure(keys.email, keys.ip);
    await this.audit.record(undefined, {
      actor: operatorId ? `operator:${operatorId}` : 'anonymous',
      action: 'operator.login_failed',
      targetType: 'operator',
      targetId: operatorId,
      requestId: request.requestId,
      summary: { email: email.slice(0, 254), ip: request.ip, reason },
    });
    throw new DomainException('invalid_credentials', INVALID);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword('not-a-password-anyone-has-0000');
    return this.dummyHash;
  }

  private secretBox(): SecretBox {
    if (!this.box) {
      throw new DomainException('unavailable', 'SECRETS_KEY is not configured; TOTP secrets cannot be stored');
    }
    return this.box;
  }
}

/** Who is trying to sign in: failed attempts are counted per account and per IP. */
interface LoginAttempt {
  email: string;
  ip: string;
}
