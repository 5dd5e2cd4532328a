import { Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { LimitGuard, THROTTLERS } from '@app/throttling';
import type { OperatorRequest } from './operator.guard';

/**
 * A generous budget on the operator API (OPERATOR_REQUESTS_PER_MINUTE per operator credential: the
 * operator key, or each console operator), so a leaked key cannot hammer the database. Runs after
 * OperatorGuard.
 */
@Injectable()
export class OperatorThrottleGuard extends LimitGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override getTracker(request: FastifyRequest): Promise<string> {
    const operator = (request as OperatorRequest).operator;
    return Promise.resolve(operator ? operator.actor : `ip:${String((request as OperatorRequest).ip)}`);
  }

  protected override limitFor(_context: unknown, throttler: string): number | undefined {
    return throttler === THROTTLERS.default ? this.config.throttling.operatorRequestsPerMinute : undefined;
  }
}
