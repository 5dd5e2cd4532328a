import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainException } from '@app/common';
import type { CustomerPrincipal } from './api-key.resolver';
import { CustomerKeyStrategy } from './customer-key.strategy';

export type CustomerRequest = FastifyRequest & { customer?: CustomerPrincipal };

interface StrategyRun {
  success(user: unknown): void;
  fail(): void;
  error(err: unknown): void;
  pass(): void;
  redirect(): void;
  authenticate(req: unknown, options?: unknown): void;
}

/**
 * Runs this module's passport-http-bearer strategy and answers every failure (no header,
 * malformed, unknown, revoked, customer not active) with the same 401 `invalid_api_key`.
 *
 * Not @nestjs/passport's AuthGuard: that one finds strategies by name in passport's
 * process-wide registry, where the last application instance created wins; two instances in one
 * process (the multi-instance tests) would silently share one key cache. This guard calls the
 * strategy instance it was given, with passport's own strategy protocol.
 */
@Injectable()
export class CustomerKeyGuard implements CanActivate {
  constructor(private readonly strategy: CustomerKeyStrategy) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<CustomerRequest>();
    const principal = await this.authenticate(request.headers.authorization);
    if (!principal) {
      throw new DomainException('invalid_api_key', 'Missing or invalid API key');
    }
    request.customer = principal;
    return true;
  }

  private authenticate(authorization: string | string[] | undefined): Promise<CustomerPrincipal | undefined> {
    // Only the Authorization header reaches the strategy: it would also take `access_token`
    // from the query string or the body, where keys end up in logs and caches.
    const req = { headers: typeof authorization === 'string' ? { authorization } : {} };
    return new Promise((resolve) => {
      const run = Object.create(this.strategy) as StrategyRun;
      run.success = (user) => resolve(user as CustomerPrincipal);
      run.fail = () => resolve(undefined);
      run.pass = () => resolve(undefined);
      run.redirect = () => resolve(undefined);
      // A database error is not a bad key: let the global filter answer it (503/500), not 401.
      run.error = (err) => resolve(Promise.reject(err instanceof Error ? err : new Error(String(err))));
      run.authenticate(req, { session: false });
    });
  }
}
