import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventEntity } from './audit-event.entity';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { ConsoleAuthController } from './console-auth.controller';
import { ConsoleAuthService } from './console-auth.service';
import { InMemoryLoginThrottle, LoginThrottle } from './login-throttle';
import { OperatorSessionEntity } from './operator-session.entity';
import { OperatorEntity } from './operator.entity';
import { OperatorAuthStrategies, OperatorKeyStrategy } from './operator-auth.strategies';
import { OperatorGuard } from './operator.guard';
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
    OperatorsRepository,
    SessionsService,
    SessionStrategy,
    ConsoleAuthService,
    OperatorsService,
    // In-process for now; a shared (Redis) LoginThrottle replaces it by providing the same token.
    { provide: LoginThrottle, useFactory: () => new InMemoryLoginThrottle() },
  ],
  exports: [AuditService, OperatorAuthStrategies, OperatorGuard],
})
export class AuthModule {}
