export { ApiKeysModule } from './api-keys.module';
export { ApiKeysService } from './api-keys.service';
export { ApiKeyResolver, API_KEY_CHANGES_CHANNEL, type CustomerPrincipal } from './api-key.resolver';
export { CustomerKeyGuard } from './customer-key.guard';
export { CustomerThrottleGuard } from './customer-throttle.guard';
export { CustomerApi, CurrentCustomer } from './customer.decorators';
export { LastUsedTracker } from './last-used.tracker';
export { ApiKeyEntity, type ApiKeyMode } from './api-key.entity';
