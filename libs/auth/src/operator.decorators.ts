import { applyDecorators, createParamDecorator, type ExecutionContext, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { OperatorGuard, type OperatorRequest } from './operator.guard';
import { OperatorThrottleGuard } from './operator-throttle.guard';

/** Marks a controller or route as operator API: the guard, then the operator rate limit, plus security schemes, 401 and 429 in the document. */
export function OperatorApi(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(OperatorGuard, OperatorThrottleGuard),
    ApiBearerAuth('operatorKey'),
    ApiCookieAuth('consoleSession'),
    ApiErrors('unauthenticated', 'rate_limited'),
  );
}

/** Who made the request and its id: what audit events and ledger entries record. */
export interface RequestContext {
  actor: string;
  requestId: string;
}

export const OperatorContext = createParamDecorator((_data: unknown, context: ExecutionContext): RequestContext => {
  const request = context.switchToHttp().getRequest<OperatorRequest>();
  if (!request.operator) {
    // Only reachable if a route forgot @OperatorApi(): fail closed.
    throw new Error('OperatorContext used on a route without OperatorGuard');
  }
  return { actor: request.operator.actor, requestId: String(request.id) };
});
