import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '@app/api-keys';
import { AuthModule } from '@app/auth';
import { CustomersModule } from '@app/customers';
import { CreditAccountEntity } from './credit-account.entity';
import { CreditsController } from './credits.controller';
import { CreditsRepository } from './credits.repository';
import { CreditsService } from './credits.service';
import { CustomerAccountsService } from './customer-accounts.service';
import { CustomersController } from './customers.controller';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { UsageController } from './usage.controller';

@Module({
  imports: [TypeOrmModule.forFeature([CreditAccountEntity, LedgerEntryEntity]), AuthModule, CustomersModule, ApiKeysModule],
  controllers: [CustomersController, CreditsController, UsageController],
  providers: [CreditsRepository, CreditsService, CustomerAccountsService],
  exports: [CreditsService],
})
export class CreditsLedgerModule {}
