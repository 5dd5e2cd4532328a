export const VOLCENGINE_ACTIONS = [
  'CreateAssetGroup',
  'GetAssetGroup',
  'ListAssetGroups',
  'UpdateAssetGroup',
  'DeleteAssetGroup',
  'CreateAsset',
  'GetAsset',
  'ListAssets',
  'UpdateAsset',
  'DeleteAsset',
] as const;
export type VolcengineAction = (typeof VOLCENGINE_ACTIONS)[number];

export interface VolcengineAssetsOptions {
  /** Per-account, per-action QPS budgets (UPSTREAMS.md: GetAsset 100, the rest about 10). */
  qps: Record<VolcengineAction, number>;
  /** How long a call may wait for budget before it fails. */
  maxWaitMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Retries after 429 / FlowLimitExceeded (each after a back-off). */
  rateLimitRetries: number;
  backoffMs: number;
  /** Retries of reads after a network failure or 5xx. */
  transientRetries: number;
  /** First GetAsset after CreateAsset, then every pollIntervalMs until the deadline. */
  firstPollMs: number;
  pollIntervalMs: number;
  ingestDeadlineSeconds: number;
  /** Test-mode (simulated) assets become active after this long. */
  testModeReadyMs: number;
  /** Lifetime of the signed link Volcengine fetches the source image from. */
  sourceUrlTtlSeconds: number;
  pollerIdleMs: number;
}

export const VOLCENGINE_ASSETS_OPTIONS = Symbol('VOLCENGINE_ASSETS_OPTIONS');

export function defaultVolcengineAssetsOptions(overrides: Partial<VolcengineAssetsOptions> = {}): VolcengineAssetsOptions {
  const qps = Object.fromEntries(VOLCENGINE_ACTIONS.map((a) => [a, a === 'GetAsset' ? 100 : 10])) as Record<VolcengineAction, number>;
  return {
    maxWaitMs: 30_000,
    timeoutMs: 15_000,
    rateLimitRetries: 4,
    backoffMs: 1000,
    transientRetries: 2,
    firstPollMs: 1000,
    pollIntervalMs: 2000,
    ingestDeadlineSeconds: 600,
    testModeReadyMs: 500,
    sourceUrlTtlSeconds: 3600,
    pollerIdleMs: 250,
    ...overrides,
    qps: { ...qps, ...overrides.qps },
  };
}
