export * from './signer';
export {
  type VolcengineAccount,
  type VolcengineAccounts,
  VOLCENGINE_ACCOUNTS,
  DEFAULT_VOLCENGINE_BASE_URL,
  StaticVolcengineAccounts,
  SwappableVolcengineAccounts,
} from './volcengine-accounts';
export { type UpstreamRateLimiter, type Permit, UPSTREAM_RATE_LIMITER, InProcessRateLimiter, RateLimitWaitExceeded } from './rate-limiter';
export { VolcengineError, type VolcengineErrorKind, classifyVolcengineError } from './volcengine.errors';
export { VolcengineClient, type VolcAsset, type VolcAssetGroup, type VolcAssetStatus, type VolcPage, VOLCENGINE_API_VERSION } from './volcengine.client';
export {
  type VolcengineAssetsOptions,
  type VolcengineAction,
  VOLCENGINE_ACTIONS,
  VOLCENGINE_ASSETS_OPTIONS,
  defaultVolcengineAssetsOptions,
} from './volcengine-assets.options';
export { AssetsService, type VideoAssets, type AssetOwner } from './assets.service';
export { AssetPoller } from './asset-poller.service';
export { AssetEntity, ASSET_STATUSES, type AssetStatus } from './asset.entity';
export { AssetGroupEntity } from './asset-group.entity';
export type { AssetRow, AssetGroupRow } from './assets.repository';
export { VolcengineAssetsModule } from './volcengine-assets.module';
