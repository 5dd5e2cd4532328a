import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainException, type Page, decodeCursor, isId, newId, notFound, toPage } from '@app/common';
import { PgNotifyService, isUniqueViolation, pgError } from '@app/database';
import { AuditService, type RequestContext } from '@app/auth';
import type { CreateCustomerDto, CustomerDto, ListCustomersQueryDto, UpdateCustomerDto } from './customer.dto';
import { type CustomerRow, CustomersRepository } from './customers.repository';

/** NOTIFY channel carrying the id of a customer whose status or plan changed (key caches listen). */
export const CUSTOMER_CHANGES_CHANNEL = 'customer_changed';

@Injectable()
export class CustomersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: CustomersRepository,
    private readonly audit: AuditService,
    private readonly notify: PgNotifyService,
  ) {}

  /** Inserts the customer inside the caller's transaction (which also opens its credit accounts). */
  async create(manager: EntityManager, input: CreateCustomerDto, ctx: RequestContext): Promise<CustomerRow> {
    const planCode = input.plan ?? 'default';
    if (!(await this.repository.findPlan(planCode, manager))) {
      throw new DomainException('invalid_request', `Unknown plan "${planCode}"`, [{ field: 'plan', message: 'no such plan' }]);
    }
    const row = await this.uniqueFields(() =>
      this.repository.insert(manager, {
        id: newId('cus'),
        name: input.name,
        email: input.email ?? null,
        externalId: input.externalId ?? null,
        planCode,
      }),
    );
    await this.audit.record(manager, {
      actor: ctx.actor,
      action: 'customer.created',
      targetType: 'customer',
      targetId: row.id,
      requestId: ctx.requestId,
      summary: { plan: planCode, hasEmail: row.email !== null, hasExternalId: row.externalId !== null },
    });
    return row;
  }

  async get(id: string, manager?: EntityManager): Promise<CustomerRow> {
    const row = isId('cus', id) ? await this.repository.findById(id, manager) : undefined;
    if (!row) {
      throw notFound('Customer');
    }
    return row;
  }

  async list(query: ListCustomersQueryDto): Promise<Page<CustomerRow>> {
    const limit = query.limit ?? 20;
    const rows = await this.repository.list({ status: query.status, q: query.q, before: decodeCursor(query.cursor), limit });
    return toPage(rows, limit, (row) => row.id);
  }

  async update(id: string, patch: UpdateCustomerDto, ctx: RequestContext): Promise<CustomerRow> {
    const changed = Object.entries(patch).filter(([, v]) => v !== undefined).map(([k]) => k);
    if (changed.length === 0) {
      throw new DomainException('invalid_request', 'Nothing to update: send at least one of name, email, plan, status');
    }
    const row = await this.dataSource.transaction(async (manager) => {
      const before = isId('cus', id) ? await this.repository.findById(id, manager, true) : undefined;
      if (!before) {
        throw notFound('Customer');
      }
      if (patch.plan !== undefined && !(await this.repository.findPlan(patch.plan, manager))) {
        throw new DomainException('invalid_request', `Unknown plan "${patch.plan}"`, [{ field: 'plan', message: 'no such plan' }]);
      }
      const after = await this.uniqueFields(() => this.repository.update(manager, id, { name: patch.name, email: patch.email, planCode: patch.plan, status: patch.status }));
      if (!after) {
        throw notFound('Customer');
      }
      await this.audit.record(manager, {
        actor: ctx.actor,
        action: 'customer.updated',
        targetType: 'customer',
        targetId: id,
        requestId: ctx.requestId,
        summary: {
          fields: changed,
          ...(patch.status !== undefined ? { status: { from: before.status, to: after.status } } : {}),
          ...(patch.plan !== undefined ? { plan: { from: before.planCode, to: after.planCode } } : {}),
        },
      });
      await this.notify.publish(CUSTOMER_CHANGES_CHANNEL, id, manager);
      return after;
    });
    this.notify.deliverLocally(CUSTOMER_CHANGES_CHANNEL, id);
    return row;
  }

  toDto(row: CustomerRow): CustomerDto {
    return {
      id: row.id,
      name: row.name,
      email: row.email,
      externalId: row.externalId,
      plan: row.planCode,
      status: row.status,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  private async uniqueFields<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'customers_email_lower_key')) {
        throw new DomainException('conflict', 'Another customer has this email', [{ field: 'email', message: 'already used by another customer' }]);
      }
      if (isUniqueViolation(error, 'customers_external_id_key')) {
        throw new DomainException('conflict', 'Another customer has this externalId', [{ field: 'externalId', message: 'already used by another customer' }]);
      }
      if (pgError(error).code === '23503') {
        throw new DomainException('invalid_request', 'Unknown plan', [{ field: 'plan', message: 'no such plan' }]);
      }
      throw error;
    }
  }
}
