import { applyDecorators, createParamDecorator, type ExecutionContext, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import type { CustomerPrincipal } from './api-key.resolver';
import { CustomerKeyGuard, type CustomerRequest } from './customer-key.guard';
import { CustomerThrottleGuard } from './customer-throttle.guard';

/**
 * Marks a controller or route as customer API (`/v1`): the bearer-key guard, then the plan's rate
 * limit (in this order: the limit needs the principal), the scheme, 401 and 429.
 */
export function CustomerApi(): ClassDecorator & MethodDecorator {
  return applyDecorators(UseGuards(CustomerKeyGuard, CustomerThrottleGuard), ApiBearerAuth('customerKey'), ApiErrors('invalid_api_key', 'rate_limited'));
}

/** The calling customer, mode, key id and plan, as resolved by the guard. */
export const CurrentCustomer = createParamDecorator((_data: unknown, context: ExecutionContext): CustomerPrincipal => {
  const customer = context.switchToHttp().getRequest<CustomerRequest>().customer;
  if (!customer) {
    // Only reachable if a route forgot @CustomerApi(): fail closed.
    throw new Error('CurrentCustomer used on a route without CustomerKeyGuard');
  }
  return customer;
});
