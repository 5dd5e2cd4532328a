import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { type AppConfig, ConfigModule, MetricsModule } from '@app/common';
import { DatabaseModule } from '@app/database';
import { StorageModule } from '@app/storage';
import { AuthModule } from '@app/auth';
import { CustomersModule } from '@app/customers';
import { ApiKeysModule } from '@app/api-keys';
import { CreditsLedgerModule } from '@app/credits-ledger';
import { JobsModule } from '@app/jobs';
import { ThrottlingModule } from '@app/throttling';
import { VolcengineAssetsModule } from '@app/volcengine-assets';
import { OpsModule } from './ops/ops.module';

export interface AppModuleOptions {
  config: AppConfig;
  databaseUrl: string;
}

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule,
        ScheduleModule.forRoot(),
        DatabaseModule.forRoot({ url: databaseUrl, applicationName: `gateway:${config.role}` }),
        ThrottlingModule,
        OpsModule,
        StorageModule,
        AuthModule,
        CustomersModule,
        ApiKeysModule,
        CreditsLedgerModule,
        JobsModule,
        VolcengineAssetsModule,
      ],
    };
  }
}
