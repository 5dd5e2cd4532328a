import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@app/auth';
import { CustomerEntity } from './customer.entity';
import { CustomersRepository } from './customers.repository';
import { CustomersService } from './customers.service';
import { PlanEntity } from './plan.entity';
import { PlansController } from './plans.controller';
import { PlansService } from './plans.service';

/**
 * Customers and plans. The customer HTTP routes live in credits-ledger, which composes a customer
 * with its balances (credits-ledger → customers; the reverse would be a cycle).
 */
@Module({
  imports: [TypeOrmModule.forFeature([CustomerEntity, PlanEntity]), AuthModule],
  controllers: [PlansController],
  providers: [CustomersRepository, CustomersService, PlansService],
  exports: [CustomersService, PlansService],
})
export class CustomersModule {}
