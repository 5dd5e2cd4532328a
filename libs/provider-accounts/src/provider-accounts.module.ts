import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { SimulatedAdapter } from './adapters/simulated.adapter';
import { ProviderRouter } from './provider-router';

@Module({
  providers: [
    { provide: SimulatedAdapter, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new SimulatedAdapter(config.simulator) },
    ProviderRouter,
  ],
  exports: [ProviderRouter, SimulatedAdapter],
})
export class ProviderAccountsModule {}
