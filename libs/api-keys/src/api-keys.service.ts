import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainException, type Page, decodeCursor, isId, newId, notFound, toPage } from '@app/common';
import { PgNotifyService } from '@app/database';
import { AuditService, type RequestContext } from '@app/auth';
import { CustomersService } from '@app/customers';
import { API_KEY_CHANGES_CHANNEL } from './api-key.resolver';
import { PREFIX_LENGTH, generateKey, hashKey } from './api-key.format';
import type { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-key.dto';
import { type ApiKeyRow, ApiKeysRepository } from './api-keys.repository';

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ApiKeysRepository,
    private readonly customers: CustomersService,
    private readonly audit: AuditService,
    private readonly notify: PgNotifyService,
  ) {}

  /** Issues a key; the full key is returned here and nowhere else, ever. */
  async create(customerId: string, input: CreateApiKeyDto, ctx: RequestContext): Promise<{ apiKey: ApiKeyRow; key: string }> {
    return this.dataSource.transaction(async (manager) => {
      const customer = await this.customers.get(customerId, manager);
      if (customer.status === 'closed') {
        throw new DomainException('conflict', 'The customer is closed: reopen it before issuing keys');
      }
      const key = generateKey(input.mode);
      const apiKey = await this.repository.insert(manager, {
        id: newId('key'),
        customerId,
        mode: input.mode,
        name: input.name ?? null,
        prefix: key.slice(0, PREFIX_LENGTH),
        keyHash: hashKey(key),
      });
      await this.audit.record(manager, {
        actor: ctx.actor,
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: apiKey.id,
        requestId: ctx.requestId,
        summary: { customerId, mode: apiKey.mode, prefix: apiKey.prefix },
      });
      return { apiKey, key };
    });
  }

  async list(customerId: string, query: { cursor?: string; limit?: number }): Promise<Page<ApiKeyRow>> {
    await this.customers.get(customerId);
    const limit = query.limit ?? 20;
    const rows = await this.repository.listByCustomer(customerId, decodeCursor(query.cursor), limit);
    return toPage(rows, limit, (row) => row.id);
  }

  /** Idempotent: revoking a revoked key answers the key as it is. */
  async revoke(customerId: string, keyId: string, ctx: RequestContext): Promise<ApiKeyRow> {
    if (!isId('cus', customerId) || !isId('key', keyId)) {
      throw notFound('API key');
    }
    const { row, changed } = await this.dataSource.transaction(async (manager) => {
      const revoked = await this.repository.revoke(manager, customerId, keyId);
      if (!revoked) {
        const existing = await this.repository.findForCustomer(manager, customerId, keyId);
        if (!existing) {
          throw notFound('API key');
        }
        return { row: existing, changed: false };
      }
      await this.audit.record(manager, {
        actor: ctx.actor,
        action: 'api_key.revoked',
        targetType: 'api_key',
        targetId: keyId,
        requestId: ctx.requestId,
        summary: { customerId, prefix: revoked.prefix },
      });
      await this.notify.publish(API_KEY_CHANGES_CHANNEL, keyId, manager);
      return { row: revoked, changed: true };
    });
    if (changed) {
      this.notify.deliverLocally(API_KEY_CHANGES_CHANNEL, keyId);
    }
    return row;
  }

  toDto(row: ApiKeyRow): ApiKeyDto {
    return {
      id: row.id,
      mode: row.mode,
      name: row.name,
      prefix: row.prefix,
      createdAt: row.createdAt.toISOString(),
      lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
      revokedAt: row.revokedAt?.toISOString() ?? null,
    };
  }

  toCreatedDto(row: ApiKeyRow): CreatedApiKeyDto {
    return { id: row.id, mode: row.mode, name: row.name, prefix: row.prefix, createdAt: row.createdAt.toISOString() };
  }
}
