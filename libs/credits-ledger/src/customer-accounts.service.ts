import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, type Page } from '@app/common';
import { AuditService, type RequestContext } from '@app/auth';
import { type CreateCustomerDto, type CustomerRow, CustomersService, type ListCustomersQueryDto, type UpdateCustomerDto } from '@app/customers';
import type { CreditMode } from './credit-account.entity';
import type { CustomerWithCreditsDto, LedgerEntryDto } from './credits.dto';
import type { LedgerRow } from './credits.repository';
import { type Balances, CreditsService } from './credits.service';

/**
 * The operator's view of customers: a customer together with its credit accounts. Lives here
 * because credits-ledger depends on customers, never the reverse.
 */
@Injectable()
export class CustomerAccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly customers: CustomersService,
    private readonly credits: CreditsService,
    private readonly audit: AuditService,
  ) {}

  /** Customer, both credit accounts and the test-mode grant commit together or not at all. */
  async create(input: CreateCustomerDto, ctx: RequestContext): Promise<CustomerWithCreditsDto> {
    const customer = await this.dataSource.transaction(async (manager) => {
      const row = await this.customers.create(manager, input, ctx);
      await this.credits.openAccounts(manager, row.id);
      if (this.config.testModeGrant > 0) {
        await this.credits.topUp(manager, {
          customerId: row.id,
          mode: 'test',
          amount: this.config.testModeGrant,
          reason: 'test-mode grant for a new customer',
          actor: 'system',
          requestId: ctx.requestId,
        });
      }
      return row;
    });
    return this.view(customer);
  }

  async get(id: string): Promise<CustomerWithCreditsDto> {
    return this.view(await this.customers.get(id));
  }

  async list(query: ListCustomersQueryDto): Promise<Page<CustomerWithCreditsDto>> {
    const page = await this.customers.list(query);
    const balances = await this.credits.balancesOf(page.data.map((c) => c.id));
    return { ...page, data: page.data.map((c) => this.withCredits(c, balances.get(c.id))) };
  }

  async update(id: string, patch: UpdateCustomerDto, ctx: RequestContext): Promise<CustomerWithCreditsDto> {
    return this.view(await this.customers.update(id, patch, ctx));
  }

  /** Positive amounts top up, negative ones adjust; audited with the operator and reason. */
  async changeCredits(
    customerId: string,
    change: { amount: number; reason: string; mode?: CreditMode },
    ctx: RequestContext,
  ): Promise<{ credits: Balances; entry: LedgerEntryDto }> {
    const mode = change.mode ?? 'live';
    const entry = await this.dataSource.transaction(async (manager) => {
      await this.customers.get(customerId, manager);
      const params = { customerId, mode, amount: change.amount, reason: change.reason, actor: ctx.actor, requestId: ctx.requestId };
      const row = change.amount > 0 ? await this.credits.topUp(manager, params) : await this.credits.adjust(manager, params);
      await this.audit.record(manager, {
        actor: ctx.actor,
        action: change.amount > 0 ? 'credits.topped_up' : 'credits.adjusted',
        targetType: 'customer',
        targetId: customerId,
        requestId: ctx.requestId,
        summary: { mode, amount: change.amount, reason: row.reason, ledgerEntryId: row.id },
      });
      return row;
    });
    return { credits: await this.credits.balances(customerId), entry: toEntryDto(entry) };
  }

  async ledger(customerId: string, query: { mode?: CreditMode; cursor?: string; limit?: number }): Promise<{ credits: Balances } & Page<LedgerEntryDto>> {
    await this.customers.get(customerId);
    const page = await this.credits.ledger(customerId, query);
    return { ok: true, credits: await this.credits.balances(customerId), data: page.data.map(toEntryDto), nextCursor: page.nextCursor };
  }

  private async view(customer: CustomerRow): Promise<CustomerWithCreditsDto> {
    return this.withCredits(customer, await this.credits.balances(customer.id));
  }

  private withCredits(customer: CustomerRow, credits: Balances | undefined): CustomerWithCreditsDto {
    const zero = { balance: 0, reserved: 0, available: 0 };
    return { ...this.customers.toDto(customer), credits: credits ?? { live: zero, test: zero } };
  }
}

export function toEntryDto(row: LedgerRow): LedgerEntryDto {
  const { customerId: _customerId, ...rest } = row;
  return { ...rest, createdAt: row.createdAt.toISOString() };
}
