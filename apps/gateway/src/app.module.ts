import { DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, ConfigModule, MetricsModule } from '@app/common';
import { DatabaseModule } from '@app/database';
import { StorageModule } from '@app/storage';
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
        DatabaseModule.forRoot({ url: databaseUrl, applicationName: `gateway:${config.role}` }),
        OpsModule,
        StorageModule,
      ],
    };
  }
}
