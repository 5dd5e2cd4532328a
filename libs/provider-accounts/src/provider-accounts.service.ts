import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { DomainException, type FieldError, decodeCursor, flattenValidationErrors, isId, newId, notFound, toPage } from '@app/common';
import { AuditService, type RequestContext } from '@app/auth';
import { AccountChecker } from './account-checker';
import { AccountPool } from './account-pool.service';
import { type AccountCredentials, CredentialVault } from './credentials';
import {
  type AccountCheckResponseDto,
  type AccountDto,
  type AccountListDto,
  ApiyiCredentialsDto,
  type BulkCreateResultDto,
  type BulkItemResultDto,
  CreateAccountDto,
  type ListAccountsQueryDto,
  RotateCredentialsDto,
  type UpdateAccountDto,
  VolcengineCredentialsDto,
} from './provider-account.dto';
import type { AccountStatus, ProviderName } from './provider-account.entity';
import { type AccountPatch, type AccountRow, ProviderAccountsRepository } from './provider-accounts.repository';

const MAX_BULK = 100;
const EVENTS_SHOWN = 20;
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The operator side of the pool: import, list, change, rotate, check, delete. Never returns a secret. */
@Injectable()
export class ProviderAccountsService {
  constructor(
    private readonly repository: ProviderAccountsRepository,
    private readonly vault: CredentialVault,
    private readonly pool: AccountPool,
    private readonly checker: AccountChecker,
    private readonly audit: AuditService,
  ) {}

  async createOne(raw: unknown, ctx: RequestContext): Promise<AccountDto> {
    const { dto, credentials } = await this.validateCreate(raw, '');
    const row = await this.insert(dto, credentials, ctx);
    await this.pool.changed();
    return this.toDto(row);
  }

  /** Each item succeeds or fails on its own; the answer lists them in order. */
  async createMany(items: unknown, ctx: RequestContext): Promise<BulkCreateResultDto> {
    if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BULK) {
      throw new DomainException('invalid_request', `accounts must be an array of 1 to ${MAX_BULK} accounts`, [{ field: 'accounts', message: `1 to ${MAX_BULK} items` }]);
    }
    const results: BulkItemResultDto[] = [];
    for (const item of items) {
      try {
        const { dto, credentials } = await this.validateCreate(item, '');
        results.push({ ok: true, account: this.toDto(await this.insert(dto, credentials, ctx)) });
      } catch (error) {
        if (!(error instanceof DomainException)) {
          throw error;
        }
        results.push({ ok: false, error: { status: error.status, code: error.code, message: error.message, details: error.details } });
      }
    }
    await this.pool.changed();
    return { ok: true, results };
  }

  async list(query: ListAccountsQueryDto): Promise<AccountListDto> {
    const limit = query.limit ?? 20;
    const rows = await this.repository.list({ provider: query.provider, status: query.status, before: decodeCursor(query.cursor), limit });
    const page = toPage(rows, limit, (r) => r.id);
    return { ok: true, data: page.data.map((r) => this.toDto(r)), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<AccountDto> {
    const row = await this.find(id);
    const events = await this.repository.events(row.id, EVENTS_SHOWN);
    return { ...this.toDto(row), events: events.map((e) => ({ ...e, createdAt: new Date(e.createdAt).toISOString() })) };
  }

  async update(id: string, patch: UpdateAccountDto, ctx: RequestContext): Promise<AccountDto> {
    const fields = Object.entries(patch).filter(([, v]) => v !== undefined).map(([k]) => k);
    if (fields.length === 0) {
      throw new DomainException('invalid_request', 'Nothing to update: send at least one of label, priority, weight, enabled');
    }
    const row = await this.repository.transaction(async (manager) => {
      const before = await this.findForUpdate(manager, id);
      const change: AccountPatch = { label: patch.label, priority: patch.priority, weight: patch.weight, enabled: patch.enabled };
      let to: AccountStatus | undefined;
      if (patch.enabled === false && before.status !== 'disabled') {
        to = 'disabled';
      } else if (patch.enabled === true && (before.status === 'disabled' || before.status === 'invalid' || !before.enabled)) {
        // Re-enabling is the operator acting: back into rotation (health will say if it is still broken).
        to = 'active';
        change.failureStreak = 0;
        change.cooldownUntil = null;
      }
      if (to !== undefined) {
        change.status = to;
        await this.pool.statusEvent(manager, before, to, patch.enabled ? 'enabled by an operator' : 'disabled by an operator', ctx.actor, ctx.requestId);
      }
      await this.repository.addEvent(manager, { accountId: id, kind: 'updated', reason: `changed ${fields.join(', ')}`, actor: ctx.actor });
      await this.audit.record(manager, {
        actor: ctx.actor,
        action: 'provider_account.updated',
        targetType: 'provider_account',
        targetId: id,
        requestId: ctx.requestId,
        summary: { fields, ...patch },
      });
      return (await this.repository.update(manager, id, change))!;
    });
    await this.pool.changed();
    return this.toDto(row);
  }

  async remove(id: string, ctx: RequestContext): Promise<void> {
    await this.repository.transaction(async (manager) => {
      const before = await this.findForUpdate(manager, id);
      if (before.inFlight > 0) {
        throw new DomainException('conflict', `This account has ${before.inFlight} jobs in flight; disable it (PATCH enabled: false) and delete it once they finish`);
      }
      await this.repository.delete(manager, id);
      await this.repository.addEvent(manager, { accountId: id, kind: 'deleted', fromStatus: before.status, reason: 'deleted by an operator', actor: ctx.actor });
      await this.audit.record(manager, {
        actor: ctx.actor,
        action: 'provider_account.deleted',
        targetType: 'provider_account',
        targetId: id,
        requestId: ctx.requestId,
        summary: { provider: before.provider, label: before.label },
      });
    });
    await this.pool.changed();
  }

  /** New secret, same account: its events, jobs and settings stay. An `invalid` account returns to rotation. */
  async rotate(id: string, raw: unknown, ctx: RequestContext): Promise<AccountDto> {
    const body = await validated(RotateCredentialsDto, raw, '');
    const row = await this.repository.transaction(async (manager) => {
      const before = await this.findForUpdate(manager, id);
      const credentials = await this.validateCredentials(before.provider, body.credentials, 'credentials.');
      const hint = CredentialVault.hint(before.provider, credentials);
      const change: AccountPatch = { credentials: this.vault.seal(id, credentials), credentialsHint: hint, credentialsRotatedAt: new Date(), failureStreak: 0 };
      if (before.status === 'invalid') {
        change.status = 'active';
        await this.pool.statusEvent(manager, before, 'active', 'credentials rotated by an operator', ctx.actor, ctx.requestId);
      }
      await this.repository.addEvent(manager, { accountId: id, kind: 'credentials_rotated', reason: `credentials ${before.credentialsHint} replaced by ${hint}`, actor: ctx.actor });
      await this.audit.record(manager, {
        actor: ctx.actor,
        action: 'provider_account.credentials_rotated',
        targetType: 'provider_account',
        targetId: id,
        requestId: ctx.requestId,
        summary: { from: before.credentialsHint, to: hint },
      });
      return (await this.repository.update(manager, id, change))!;
    });
    await this.pool.changed();
    return this.toDto(row);
  }

  /** Asks the upstream now; a valid answer is the operator's word that an `invalid` account works again. */
  async check(id: string, ctx: RequestContext): Promise<AccountCheckResponseDto> {
    const account = await this.find(id);
    const result = await this.checker.check(account);
    if (result.valid === true) {
      if (result.balance !== null) {
        await this.pool.recordBalance(id, result.balance, ctx.actor);
      }
      if (account.status === 'invalid' && account.enabled) {
        await this.repository.transaction(async (manager) => {
          const before = await this.findForUpdate(manager, id);
          if (before.status === 'invalid') {
            await this.pool.statusEvent(manager, before, 'active', `check passed: ${result.detail}`, ctx.actor, ctx.requestId);
            await this.repository.update(manager, id, { status: 'active', failureStreak: 0 });
          }
        });
      }
    } else if (result.valid === false) {
      await this.pool.report(id, result.reason === 'auth' ? { kind: 'auth', detail: result.detail } : { kind: 'balance', detail: result.detail });
    }
    await this.repository.addEvent(undefined, { accountId: id, kind: 'checked', reason: result.detail, actor: ctx.actor });
    await this.audit.record(undefined, {
      actor: ctx.actor,
      action: 'provider_account.checked',
      targetType: 'provider_account',
      targetId: id,
      requestId: ctx.requestId,
      summary: { valid: result.valid, detail: result.detail },
    });
    await this.pool.changed();
    const after = await this.find(id);
    return { ok: true, account: this.toDto(after), check: { valid: result.valid, balance: result.valid === true ? result.balance : null, detail: result.detail } };
  }

  /** For operator test generations: the account must exist and generate (APIYI). */
  async requireGenerationAccount(id: string): Promise<AccountRow> {
    const row = await this.find(id);
    if (row.provider !== 'apiyi') {
      throw new DomainException('invalid_request', 'Test generations run on APIYI accounts; this is a Volcengine (asset library) account');
    }
    return row;
  }

  toDto(row: AccountRow): AccountDto {
    return {
      id: row.id,
      provider: row.provider,
      label: row.label,
      baseUrl: row.baseUrl,
      status: row.status,
      enabled: row.enabled,
      credentialsHint: row.credentialsHint,
      credentialsRotatedAt: iso(row.credentialsRotatedAt)!,
      priority: row.priority,
      weight: row.weight,
      balance: row.balance === null ? null : Number(row.balance),
      balanceCheckedAt: iso(row.balanceCheckedAt),
      cooldownUntil: row.status === 'cooldown' ? iso(row.cooldownUntil) : null,
      failureStreak: row.failureStreak,
      inFlightJobs: row.inFlight,
      lastError: row.lastError,
      lastErrorAt: iso(row.lastErrorAt),
      volcengineAccountId: row.volcengineAccountId,
      region: row.region,
      projectName: row.projectName,
      createdAt: iso(row.createdAt)!,
      updatedAt: iso(row.updatedAt)!,
    };
  }

  private async insert(dto: CreateAccountDto, credentials: AccountCredentials, ctx: RequestContext): Promise<AccountRow> {
    const id = newId('pa');
    return this.repository.transaction(async (manager) => {
      if (dto.volcengineAccountId !== undefined) {
        const linked = await this.repository.findById(dto.volcengineAccountId, manager);
        if (!linked || linked.provider !== 'volcengine') {
          throw new DomainException('invalid_request', 'volcengineAccountId must name a Volcengine account of this pool', [
            { field: 'volcengineAccountId', message: 'no Volcengine account has this id' },
          ]);
        }
      }
      const hint = CredentialVault.hint(dto.provider, credentials);
      const row = await this.repository.insert(manager, {
        id,
        provider: dto.provider,
        label: dto.label,
        baseUrl: dto.baseUrl?.replace(/\/+$/, '') ?? null,
        credentials: this.vault.seal(id, credentials),
        credentialsHint: hint,
        priority: dto.priority ?? 0,
        weight: dto.weight ?? 1,
        volcengineAccountId: dto.volcengineAccountId ?? null,
        region: dto.provider === 'volcengine' ? (dto.region ?? 'cn-beijing') : null,
        projectName: dto.provider === 'volcengine' ? (dto.projectName ?? 'default') : null,
      });
      await this.repository.addEvent(manager, { accountId: id, kind: 'created', toStatus: row.status, reason: `imported with ${hint}`, actor: ctx.actor });
      await this.audit.record(manager, {
        actor: ctx.actor,
        action: 'provider_account.created',
        targetType: 'provider_account',
        targetId: id,
        requestId: ctx.requestId,
        summary: { provider: dto.provider, label: dto.label, credentialsHint: hint, priority: row.priority, weight: row.weight },
      });
      return row;
    });
  }

  private async validateCreate(raw: unknown, prefix: string): Promise<{ dto: CreateAccountDto; credentials: AccountCredentials }> {
    const dto = await validated(CreateAccountDto, raw, prefix);
    const misplaced: FieldError[] = [];
    if (dto.provider === 'apiyi') {
      for (const f of ['region', 'projectName'] as const) {
        if (dto[f] !== undefined) {
          misplaced.push({ field: `${prefix}${f}`, message: 'only for volcengine accounts' });
        }
      }
    } else if (dto.volcengineAccountId !== undefined) {
      misplaced.push({ field: `${prefix}volcengineAccountId`, message: 'only for apiyi accounts' });
    }
    if (misplaced.length > 0) {
      throw new DomainException('invalid_request', `Invalid request: check ${misplaced.map((m) => m.field).join(', ')}`, misplaced);
    }
    const credentials = await this.validateCredentials(dto.provider, dto.credentials, `${prefix}credentials.`);
    return { dto, credentials };
  }

  private async validateCredentials(provider: ProviderName, raw: unknown, prefix: string): Promise<AccountCredentials> {
    if (provider === 'apiyi') {
      const c = await validated(ApiyiCredentialsDto, raw, prefix);
      return c.accessToken === undefined ? { apiKey: c.apiKey } : { apiKey: c.apiKey, accessToken: c.accessToken };
    }
    const c = await validated(VolcengineCredentialsDto, raw, prefix);
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
  }

  private async find(id: string): Promise<AccountRow> {
    const row = isId('pa', id) ? await this.repository.findById(id) : undefined;
    if (!row) {
      throw notFound('Provider account');
    }
    return row;
  }

  private async findForUpdate(manager: EntityManager, id: string): Promise<AccountRow> {
    const row = isId('pa', id) ? await this.repository.findById(id, manager, true) : undefined;
    if (!row) {
      throw notFound('Provider account');
    }
    return row;
  }
}

/** class-validator with the global pipe's rules, for bodies whose shape depends on their content. */
async function validated<T extends object>(cls: new () => T, raw: unknown, prefix: string): Promise<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DomainException('invalid_request', `${prefix.replace(/\.$/, '') || 'The body'} must be a JSON object`, [{ field: prefix.replace(/\.$/, '') || 'body', message: 'must be an object' }]);
  }
  const instance = plainToInstance(cls, raw);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  if (errors.length > 0) {
    // Messages name fields and rules, never values: a secret in the wrong field stays out of the answer.
    const details = flattenValidationErrors(errors).map((d) => ({ field: `${prefix}${d.field}`, message: d.message }));
    throw new DomainException('invalid_request', `Invalid request: check ${[...new Set(details.map((d) => d.field))].join(', ')}`, details);
  }
  return instance;
}
