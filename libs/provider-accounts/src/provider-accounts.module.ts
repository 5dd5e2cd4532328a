import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { AuthModule } from '@app/auth';
import { StorageModule } from '@app/storage';
import { AccountChecker } from './account-checker';
import { AccountPool } from './account-pool.service';
import { ApiyiCaller } from './adapters/apiyi-caller';
import { ApiyiImageAdapter } from './adapters/apiyi-image.adapter';
import { ApiyiSeedanceAdapter } from './adapters/apiyi-seedance.adapter';
import { SimulatedAdapter } from './adapters/simulated.adapter';
import { BalanceRefresher } from './balance-refresher.service';
import { CredentialVault } from './credentials';
import { ProviderAccountEntity, ProviderAccountEventEntity } from './provider-account.entity';
import { ProviderAccountsController } from './provider-accounts.controller';
import { ProviderAccountsRepository } from './provider-accounts.repository';
import { ProviderAccountsService } from './provider-accounts.service';
import { ProviderRouter } from './provider-router';
import { InProcessUpstreamLimiter, UPSTREAM_LIMITER } from './upstream-limiter';
import { UpstreamHttp } from './upstream-http';
import { VolcengineDirectory } from './volcengine-directory';

@Module({
  imports: [TypeOrmModule.forFeature([ProviderAccountEntity, ProviderAccountEventEntity]), AuthModule, StorageModule],
  controllers: [ProviderAccountsController],
  providers: [
    { provide: SimulatedAdapter, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new SimulatedAdapter(config.simulator) },
    { provide: UPSTREAM_LIMITER, useClass: InProcessUpstreamLimiter },
    CredentialVault,
    UpstreamHttp,
    ProviderAccountsRepository,
    AccountPool,
    AccountChecker,
    BalanceRefresher,
    ApiyiCaller,
    ApiyiSeedanceAdapter,
    ApiyiImageAdapter,
    ProviderAccountsService,
    ProviderRouter,
    VolcengineDirectory,
  ],
  exports: [ProviderRouter, SimulatedAdapter, ProviderAccountsService, CredentialVault, VolcengineDirectory],
})
export class ProviderAccountsModule {}
