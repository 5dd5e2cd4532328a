import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainException } from '@app/common';
import { OperatorAuthStrategies, type OperatorPrincipal } from './operator-auth.strategies';

export type OperatorRequest = FastifyRequest & { operator?: OperatorPrincipal };

/** Admits a request that any registered strategy authenticates; otherwise 401 `unauthenticated`. */
@Injectable()
export class OperatorGuard implements CanActivate {
  constructor(private readonly strategies: OperatorAuthStrategies) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<OperatorRequest>();
    for (const strategy of this.strategies.all()) {
      const principal = await strategy.authenticate(request);
      if (principal) {
        request.operator = principal;
        return true;
      }
    }
    throw new DomainException('unauthenticated', 'Send Authorization: Bearer <operator key>, or sign in to the console');
  }
}
