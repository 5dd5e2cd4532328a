import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventEntity } from './audit-event.entity';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { OperatorAuthStrategies, OperatorKeyStrategy } from './operator-auth.strategies';
import { OperatorGuard } from './operator.guard';
import { OperatorThrottleGuard } from './operator-throttle.guard';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  providers: [AuditRepository, AuditService, OperatorKeyStrategy, OperatorAuthStrategies, OperatorGuard, OperatorThrottleGuard],
  exports: [AuditService, OperatorAuthStrategies, OperatorGuard, OperatorThrottleGuard],
})
export class AuthModule {}
