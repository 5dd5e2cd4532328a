import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { FilesController } from './files.controller';
import { LocalStorageDriver } from './local-storage.driver';
import { S3StorageDriver } from './s3-storage.driver';
import { STORAGE_DRIVER, type StorageDriver } from './storage.driver';
import { StorageService } from './storage.service';

export function createStorageDriver(config: AppConfig): StorageDriver {
  switch (config.storageDriver) {
    case 'local':
      return new LocalStorageDriver(join(config.dataDir, 'objects'));
    case 's3':
      return new S3StorageDriver(config.s3);
  }
}

@Module({
  controllers: [FilesController],
  providers: [{ provide: STORAGE_DRIVER, useFactory: createStorageDriver, inject: [APP_CONFIG] }, StorageService],
  exports: [StorageService],
})
export class StorageModule {}
