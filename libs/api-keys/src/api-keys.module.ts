import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@app/auth';
import { CustomersModule } from '@app/customers';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyResolver } from './api-key.resolver';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { CustomerKeyGuard } from './customer-key.guard';
import { CustomerKeyStrategy } from './customer-key.strategy';
import { CustomerThrottleGuard } from './customer-throttle.guard';
import { LastUsedTracker } from './last-used.tracker';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity]), AuthModule, CustomersModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysRepository, ApiKeysService, ApiKeyResolver, LastUsedTracker, CustomerKeyStrategy, CustomerKeyGuard, CustomerThrottleGuard],
  exports: [ApiKeysService, ApiKeyResolver, CustomerKeyStrategy, CustomerKeyGuard, CustomerThrottleGuard, LastUsedTracker],
})
export class ApiKeysModule {}
