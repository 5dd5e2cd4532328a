import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainException, notFound } from '@app/common';
import { AuditService, type RequestContext } from '@app/auth';
import type { CreatePlanDto, PlanDto, UpdatePlanDto } from './customer.dto';
import { CustomersRepository, type PlanRow } from './customers.repository';

const PLAN_CODE = /^[a-z0-9][a-z0-9_-]{0,62}$/;

@Injectable()
export class PlansService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: CustomersRepository,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<PlanRow[]> {
    return this.repository.listPlans();
  }

  async get(code: string): Promise<PlanRow> {
    const plan = PLAN_CODE.test(code) ? await this.repository.findPlan(code) : undefined;
    if (!plan) {
      throw notFound('Plan');
    }
    return plan;
  }

  create(input: CreatePlanDto, ctx: RequestContext): Promise<PlanRow> {
    return this.dataSource.transaction(async (manager) => {
      const plan = await this.repository.insertPlan(manager, input);
      if (!plan) {
        throw new DomainException('conflict', `Plan "${input.code}" already exists`, [{ field: 'code', message: 'already exists' }]);
      }
      await this.audit.record(manager, { actor: ctx.actor, action: 'plan.created', targetType: 'plan', targetId: plan.code, requestId: ctx.requestId, summary: { ...input } });
      return plan;
    });
  }

  update(code: string, patch: UpdatePlanDto, ctx: RequestContext): Promise<PlanRow> {
    const changed = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    if (Object.keys(changed).length === 0) {
      throw new DomainException('invalid_request', 'Nothing to update: send at least one of name, requestsPerMinute, maxConcurrentJobs, maxQueuedJobs');
    }
    return this.dataSource.transaction(async (manager) => {
      const plan = PLAN_CODE.test(code) ? await this.repository.updatePlan(manager, code, changed) : undefined;
      if (!plan) {
        throw notFound('Plan');
      }
      await this.audit.record(manager, { actor: ctx.actor, action: 'plan.updated', targetType: 'plan', targetId: code, requestId: ctx.requestId, summary: changed });
      return plan;
    });
  }

  toDto(plan: PlanRow): PlanDto {
    return { ...plan, createdAt: plan.createdAt.toISOString(), updatedAt: plan.updatedAt.toISOString() };
  }
}
