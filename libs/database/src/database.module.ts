import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { buildDataSourceOptions } from './data-source.options';
import { Sql } from './sql';
import { PG_NOTIFY_URL, PgNotifyService } from './pg-notify.service';

export interface DatabaseModuleOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...buildDataSourceOptions(options),
          autoLoadEntities: true,
          retryAttempts: 3,
          retryDelay: 1000,
        }),
      ],
      providers: [Sql, { provide: PG_NOTIFY_URL, useValue: options.url }, PgNotifyService],
      exports: [Sql, PgNotifyService],
    };
  }
}
