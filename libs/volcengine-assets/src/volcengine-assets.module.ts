import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '@app/api-keys';
import { AuthModule } from '@app/auth';
import { CustomersModule } from '@app/customers';
import { MediaModule } from '@app/media';
import { ProviderAccountsModule, VolcengineDirectory } from '@app/provider-accounts';
import { StorageModule } from '@app/storage';
import { LimiterService } from '@app/throttling';
import { AssetGroupEntity } from './asset-group.entity';
import { AssetEntity } from './asset.entity';
import { AssetPoller } from './asset-poller.service';
import { AssetsAdminController } from './assets-admin.controller';
import { AssetsController } from './assets.controller';
import { AssetsRepository } from './assets.repository';
import { AssetsService } from './assets.service';
import { SharedRateLimiter, UPSTREAM_RATE_LIMITER } from './rate-limiter';
import { SwappableVolcengineAccounts, VOLCENGINE_ACCOUNTS } from './volcengine-accounts';
import { VOLCENGINE_ASSETS_OPTIONS, defaultVolcengineAssetsOptions } from './volcengine-assets.options';
import { VolcengineClient } from './volcengine.client';

@Module({
  imports: [TypeOrmModule.forFeature([AssetGroupEntity, AssetEntity]), ApiKeysModule, AuthModule, CustomersModule, MediaModule, ProviderAccountsModule, StorageModule],
  controllers: [AssetsController, AssetsAdminController],
  providers: [
    // The pool's Volcengine accounts (tests may swap in accounts of their own).
    { provide: VOLCENGINE_ACCOUNTS, inject: [VolcengineDirectory], useFactory: (directory: VolcengineDirectory) => new SwappableVolcengineAccounts(directory) },
    // Per-account, per-action budgets shared across instances (Redis when REDIS_URL is set).
    { provide: UPSTREAM_RATE_LIMITER, inject: [LimiterService], useFactory: (limiter: LimiterService) => new SharedRateLimiter(limiter) },
    { provide: VOLCENGINE_ASSETS_OPTIONS, useFactory: () => defaultVolcengineAssetsOptions() },
    VolcengineClient,
    AssetsRepository,
    AssetsService,
    AssetPoller,
  ],
  exports: [AssetsService, VolcengineClient, VOLCENGINE_ACCOUNTS],
})
export class VolcengineAssetsModule {}
