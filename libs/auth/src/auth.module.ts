import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventEntity } from './audit-event.entity';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { ConsoleAuthController } from './console-auth.controller';
import { ConsoleAuthService } from './console-auth.service';
import { OperatorSessionEntity } from './operator-session.entity';
import { OperatorEntity } from './operator.entity';
import { OperatorAuthStrategies, OperatorKeyStrategy } from './operator-auth.strategies';
import { OperatorGuard } from './operator.guard';
import { OperatorThrottleGuard } from './operator-throttle.guard';
import { OperatorsController } from './operators.controller';
import { OperatorsRepository } from './operators.repository';
import { OperatorsService } from './operators.service';
import { SessionStrategy } from './session.strategy';
import { SessionsService } from './sessions.service';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity, OperatorEntity, OperatorSessionEntity])],
  controllers: [ConsoleAuthController, OperatorsController],
  providers: [
    AuditRepository,
    AuditService,
    OperatorKeyStrategy,
    OperatorAuthStrategies,
    OperatorGuard,
    OperatorThrottleGuard,
    OperatorsRepository,
    SessionsService,
    SessionStrategy,
    ConsoleAuthService,
    OperatorsService,
  ],
  exports: [AuditService, OperatorAuthStrategies, OperatorGuard, OperatorThrottleGuard],
})
export class AuthModule {}
