import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '@app/api-keys';
import { AuthModule } from '@app/auth';
import { CustomersModule } from '@app/customers';
import { MediaModule } from '@app/media';
import { StorageModule } from '@app/storage';
import { AssetGroupEntity } from './asset-group.entity';
import { AssetEntity } from './asset.entity';
import { AssetPoller } from './asset-poller.service';
import { AssetsAdminController } from './assets-admin.controller';
import { AssetsController } from './assets.controller';
import { AssetsRepository } from './assets.repository';
import { AssetsService } from './assets.service';
import { InProcessRateLimiter, UPSTREAM_RATE_LIMITER } from './rate-limiter';
import { SwappableVolcengineAccounts, VOLCENGINE_ACCOUNTS } from './volcengine-accounts';
import { VOLCENGINE_ASSETS_OPTIONS, defaultVolcengineAssetsOptions } from './volcengine-assets.options';
import { VolcengineClient } from './volcengine.client';

@Module({
  imports: [TypeOrmModule.forFeature([AssetGroupEntity, AssetEntity]), ApiKeysModule, AuthModule, CustomersModule, MediaModule, StorageModule],
  controllers: [AssetsController, AssetsAdminController],
  providers: [
    // Seams: the provider pool replaces VOLCENGINE_ACCOUNTS, the shared Redis limiter UPSTREAM_RATE_LIMITER.
    { provide: VOLCENGINE_ACCOUNTS, useValue: new SwappableVolcengineAccounts() },
    { provide: UPSTREAM_RATE_LIMITER, useFactory: () => new InProcessRateLimiter() },
    { provide: VOLCENGINE_ASSETS_OPTIONS, useFactory: () => defaultVolcengineAssetsOptions() },
    VolcengineClient,
    AssetsRepository,
    AssetsService,
    AssetPoller,
  ],
  exports: [AssetsService, VolcengineClient, VOLCENGINE_ACCOUNTS],
})
export class VolcengineAssetsModule {}
