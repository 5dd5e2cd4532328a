export { AuthModule } from './auth.module';
export { AuditService, type AuditRecord } from './audit.service';
export { AuditEventEntity } from './audit-event.entity';
export { OperatorGuard } from './operator.guard';
export { OperatorThrottleGuard } from './operator-throttle.guard';
export { OperatorAuthStrategies, bearerToken, type OperatorAuthStrategy, type OperatorPrincipal } from './operator-auth.strategies';
export { OperatorApi, OperatorContext, type RequestContext } from './operator.decorators';
