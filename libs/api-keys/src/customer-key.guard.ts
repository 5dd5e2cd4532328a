import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { DomainException } from '@app/common';
import type { CustomerPrincipal } from './api-key.resolver';
import { CUSTOMER_KEY_STRATEGY } from './customer-key.strategy';

export type CustomerRequest = FastifyRequest & { customer?: CustomerPrincipal };

/**
 * passport-http-bearer behind a guard that answers every failure (no header, malformed, unknown,
 * revoked, customer not active) with the same 401 `invalid_api_key`.
 */
@Injectable()
export class CustomerKeyGuard extends AuthGuard(CUSTOMER_KEY_STRATEGY) {
  // Only the Authorization header reaches passport: the bearer strategy would also take
  // `access_token` from the query string or body, where keys end up in logs.
  override getRequest(context: ExecutionContext): { headers: { authorization?: string } } {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const authorization = request.headers.authorization;
    return { headers: typeof authorization === 'string' ? { authorization } : {} };
  }

  override handleRequest<T = CustomerPrincipal>(err: unknown, user: unknown, _info: unknown, context: ExecutionContext): T {
    if (err || !user) {
      throw new DomainException('invalid_api_key', 'Missing or invalid API key');
    }
    context.switchToHttp().getRequest<CustomerRequest>().customer = user as CustomerPrincipal;
    return user as T;
  }
}
