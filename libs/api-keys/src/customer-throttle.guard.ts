import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { PlansService } from '@app/customers';
import { GENERATE_BUCKET, LimitGuard, THROTTLERS } from '@app/throttling';
import type { CustomerRequest } from './customer-key.guard';

const PLAN_TTL_MS = 5000;

/**
 * The `/v1` budget: the plan's `requestsPerMinute` per API key (so one key of a customer cannot
 * starve another), and on generate routes also GENERATE_REQUESTS_PER_MINUTE when set. Runs after
 * CustomerKeyGuard (it needs the principal); plans are cached for a few seconds, so a plan change
 * takes effect within PLAN_TTL_MS on every instance.
 */
@Injectable()
export class CustomerThrottleGuard extends LimitGuard {
  private readonly plans = new Map<string, { requestsPerMinute: number; expires: number }>();

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly plansService: PlansService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override getTracker(request: FastifyRequest): Promise<string> {
    const customer = (request as CustomerRequest).customer;
    if (!customer) {
      // Only reachable if the key guard did not run first: fail closed.
      throw new Error('CustomerThrottleGuard ran without a customer principal');
    }
    return Promise.resolve(customer.keyId);
  }

  protected override async limitFor(context: ExecutionContext, throttler: string): Promise<number | undefined> {
    if (throttler === THROTTLERS.generate) {
      const generate = this.config.throttling.generateRequestsPerMinute;
      const marked = this.reflector.getAllAndOverride<boolean | undefined>(GENERATE_BUCKET, [context.getHandler(), context.getClass()]);
      return marked && generate > 0 ? generate : undefined;
    }
    const customer = context.switchToHttp().getRequest<CustomerRequest>().customer;
    return customer ? this.requestsPerMinute(customer.planCode) : undefined;
  }

  private async requestsPerMinute(code: string): Promise<number> {
    const cached = this.plans.get(code);
    if (cached && cached.expires > Date.now()) {
      return cached.requestsPerMinute;
    }
    const plan = await this.plansService.get(code);
    this.plans.set(code, { requestsPerMinute: plan.requestsPerMinute, expires: Date.now() + PLAN_TTL_MS });
    return plan.requestsPerMinute;
  }
}
