import { applyDecorators, createParamDecorator, type ExecutionContext, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { OperatorGuard, type OperatorRequest } from './operator.guard';

/** Marks a controller or route as operator API: the guard plus its security schemes and 401 in the document. */
export function OperatorApi(): ClassDecorator & MethodDecorator {
  return applyDecorators(UseGuards(OperatorGuard), ApiBearerAuth('operatorKey'), ApiCookieAuth('consoleSession'), ApiErrors('unauthenticated'));
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
