export * from './provider.port';
export * from './size-table';
export { SimulatedAdapter, SIM_MAGIC, type SimulatorTimings } from './adapters/simulated.adapter';
export { ProviderRouter } from './provider-router';
export { ProviderAccountsModule } from './provider-accounts.module';
