import { isAbsolute, resolve } from 'node:path';

export type Role = 'all' | 'api' | 'worker';
export type StorageDriver = 'local' | 's3';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The one typed configuration object. Nothing outside this file reads process.env. */
export interface AppConfig {
  nodeEnv: string;
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  myPrivateApiKey: string | undefined;
  secretsKey: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  publicBaseUrl: string;
  redisUrl: string | undefined;
  throttling: ThrottlingConfig;
  role: Role;
  storageDriver: StorageDriver;
  s3: {
    bucket: string | undefined;
    region: string | undefined;
    endpoint: string | undefined;
    accessKeyId: string | undefined;
    secretAccessKey: string | undefined;
    forcePathStyle: boolean;
  };
  logLevel: LogLevel;
  bodyLimitBytes: number;
  testModeGrant: number;
  schedulerEnabled: boolean;
  pricing: PricingTable;
  simulator: { imageMs: number; videoMs: number };
  testModeDeadlineSeconds: number;
  providerPool: ProviderPoolConfig;
}

/** How live jobs use the provider account pool (CONTRACT §3 "Provider account pool"). */
export interface ProviderPoolConfig {
  /** Accounts whose balance was never read (no access token) may take jobs. */
  allowUnknownBalance: boolean;
  /** Upstream quota units one credit is assumed to cost: a job needs `price × this` of known balance. */
  quotaPerCredit: number;
  /** Calls (submissions, polls, synchronous image calls) in flight per account, per instance. */
  maxConcurrencyPerAccount: number;
  /** Calls started per second per account, per instance (token bucket). */
  qpsPerAccount: number;
  balanceRefreshSeconds: number;
  /** Used when an account has no baseUrl of its own. */
  apiyiBaseUrl: string;
  seedanceModel: string;
  imageModel: string;
  /** GPT Image 2 answers synchronously after about two minutes. */
  imageTimeoutMs: number;
  /** First cooldown after a 429; doubles per consecutive 429 up to 10 minutes. */
  cooldownSeconds: number;
  /** Consecutive 5xx/timeouts that open the breaker, and how long it stays open. */
  breakerThreshold: number;
  breakerSeconds: number;
  /** First status check of a Seedance task after submission, and the cap of the back-off. */
  pollFirstMs: number;
  pollMaxMs: number;
}

/** Request budgets; the per-key budget itself is the plan's `requestsPerMinute`. */
export interface ThrottlingConfig {
  /** Length of the counting window of every per-minute budget (tests shorten it). */
  windowSeconds: number;
  /** Extra per-key budget of the generate endpoints per window; 0 = only the plan's. */
  generateRequestsPerMinute: number;
  /** Budget of the operator API per operator credential per window. */
  operatorRequestsPerMinute: number;
  /** Namespace of every limiter key in Redis (several deployments or test runs may share one Redis). */
  redisKeyPrefix: string;
}

/** Credits per job. `plans` overrides any part of the default per plan code. */
export interface PricingTable {
  image: { LOW: number; MEDIUM: number };
  video: { perSecond: number; perSecondWithAudio: number };
  plans: Record<string, { image?: Partial<PricingTable['image']>; video?: Partial<PricingTable['video']> }>;
}

export const DEFAULT_PRICING: PricingTable = {
  image: { LOW: 20, MEDIUM: 50 },
  video: { perSecond: 500, perSecondWithAudio: 600 },
  plans: {},
};

interface VariableSpec {
  name: string;
  description: string;
  default?: string;
}

/** Every variable the gateway reads, with its meaning and default: the README's table is this list. */
export const CONFIG_VARIABLES: VariableSpec[] = [
  { name: 'NODE_ENV', description: '`production` refuses to start without DATABASE_URL, MY_PRIVATE_API_KEY and SECRETS_KEY', default: 'development' },
  { name: 'PORT', description: 'TCP port to listen on', default: '3000' },
  { name: 'HOST', description: 'address to listen on', default: '0.0.0.0' },
  { name: 'DATABASE_URL', description: 'PostgreSQL URL; unset → embedded PostgreSQL under DATA_DIR' },
  { name: 'DATA_DIR', description: 'embedded database, generated secrets, local result files', default: './.data' },
  { name: 'MY_PRIVATE_API_KEY', description: 'operator bearer key (≥ 32 characters); unset outside production → generated into DATA_DIR' },
  { name: 'SECRETS_KEY', description: '32-byte key, base64, encrypting provider credentials; unset outside production → generated into DATA_DIR' },
  { name: 'ADMIN_EMAIL', description: 'first console operator, created on first start if none exists', default: 'generated' },
  { name: 'ADMIN_PASSWORD', description: 'password of that first operator (≥ 12 characters)', default: 'generated' },
  { name: 'PUBLIC_BASE_URL', description: 'how the outside world reaches this gateway (result URLs, asset ingestion)', default: 'http://localhost:$PORT' },
  { name: 'REDIS_URL', description: 'shared throttling and upstream QPS budgets across instances', default: 'unset (in-process)' },
  { name: 'REDIS_KEY_PREFIX', description: 'namespace of the limiter keys in Redis (deployments sharing one Redis need distinct prefixes)', default: 'gw' },
  { name: 'RATE_LIMIT_WINDOW_SECONDS', description: "window in which the per-minute budgets (plan `requestsPerMinute`, the two below) are counted; only tests shorten it", default: '60' },
  { name: 'GENERATE_REQUESTS_PER_MINUTE', description: "per-key budget of the generate endpoints on top of the plan's (the stricter one wins); `0` = the plan's only", default: '0' },
  { name: 'OPERATOR_REQUESTS_PER_MINUTE', description: 'operator API budget per operator credential (key or console operator)', default: '6000' },
  { name: 'ROLE', description: '`all`, `api` (HTTP only) or `worker` (scheduler; serves only health and metrics)', default: 'all' },
  { name: 'STORAGE_DRIVER', description: '`local` (under DATA_DIR) or `s3` for stored results', default: 'local' },
  { name: 'S3_BUCKET', description: 'bucket for results when STORAGE_DRIVER=s3' },
  { name: 'S3_REGION', description: 'S3 region', default: 'us-east-1' },
  { name: 'S3_ENDPOINT', description: 'S3-compatible endpoint URL (MinIO, R2, …)' },
  { name: 'S3_ACCESS_KEY_ID', description: 'S3 access key id' },
  { name: 'S3_SECRET_ACCESS_KEY', description: 'S3 secret access key' },
  { name: 'S3_FORCE_PATH_STYLE', description: '`true` for path-style S3 URLs', default: 'false' },
  { name: 'LOG_LEVEL', description: 'pino level: fatal, error, warn, info, debug, trace, silent', default: 'info' },
  { name: 'BODY_LIMIT_BYTES', description: 'largest accepted request body (base64 reference images need ~14 MiB)', default: '15728640' },
  { name: 'TEST_MODE_GRANT', description: 'test-mode credits granted to every new customer', default: '100000' },
  { name: 'PRICING_JSON', description: 'price overrides as JSON, e.g. `{"image":{"LOW":25},"plans":{"pro":{"video":{"perSecond":450}}}}`', default: 'CONTRACT §2.2' },
  { name: 'SIMULATOR_IMAGE_MS', description: 'how long a simulated (test-mode) image job takes', default: '1500' },
  { name: 'SIMULATOR_VIDEO_MS', description: 'how long a simulated (test-mode) video job takes', default: '4000' },
  { name: 'TEST_MODE_DEADLINE_SECONDS', description: 'deadline of test-mode jobs (what `[sim:stall]` runs into)', default: '120' },
  { name: 'PROVIDER_ALLOW_UNKNOWN_BALANCE', description: 'live jobs may use accounts whose balance is unknown (no access token)', default: 'true' },
  { name: 'PROVIDER_QUOTA_PER_CREDIT', description: 'upstream quota units (500 000 = 1 USD on APIYI) one credit is assumed to cost, for balance checks', default: '100' },
  { name: 'PROVIDER_ACCOUNT_CONCURRENCY', description: 'upstream calls in flight per provider account and instance (polls included)', default: '8' },
  { name: 'PROVIDER_ACCOUNT_QPS', description: 'upstream calls started per second per provider account and instance', default: '10' },
  { name: 'PROVIDER_BALANCE_REFRESH_SECONDS', description: 'how often provider balances are refreshed (scheduler instances only)', default: '300' },
  { name: 'APIYI_BASE_URL', description: 'APIYI base URL for accounts without their own baseUrl', default: 'https://api.apiyi.com' },
  { name: 'SEEDANCE_MODEL', description: 'model id of "Seedance 2.0 Fast"', default: 'doubao-seedance-2-0-fast-260128' },
  { name: 'IMAGE_MODEL', description: 'model id of GPT Image 2', default: 'gpt-image-2' },
  { name: 'IMAGE_TIMEOUT_MS', description: 'how long a synchronous GPT Image 2 call may take', default: '180000' },
  { name: 'PROVIDER_COOLDOWN_SECONDS', description: 'first cooldown of an account after a 429 (doubles per repeat, at most 10 minutes)', default: '30' },
  { name: 'PROVIDER_BREAKER_THRESHOLD', description: 'consecutive 5xx/timeouts that take an account out of rotation', default: '5' },
  { name: 'PROVIDER_BREAKER_SECONDS', description: 'how long that breaker stays open', default: '60' },
  { name: 'PROVIDER_POLL_FIRST_MS', description: 'first status check of a video task after submission', default: '5000' },
  { name: 'PROVIDER_POLL_MAX_MS', description: 'longest wait between status checks of a video task', default: '20000' },
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function blankToUndefined(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Parses and validates the environment; throws one ConfigError listing every problem. */
export function loadConfig(env: Env, cwd = process.cwd()): AppConfig {
  const problems: string[] = [];
  const get = (name: string) => blankToUndefined(env[name]);

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) {
      return fallback;
    }
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = get(name);
    if (raw === undefined) {
      return fallback;
    }
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = get(name);
    if (raw === undefined) {
      return undefined;
    }
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must be a ${protocols.join(' or ')} URL`);
      }
    } catch {
      problems.push(`${name} must be a valid URL`);
    }
    return raw;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = get(name);
    if (raw === undefined) {
      return fallback;
    }
    if (!['true', 'false', '1', '0'].includes(raw)) {
      problems.push(`${name} must be true or false (got "${raw}")`);
      return fallback;
    }
    return raw === 'true' || raw === '1';
  };

  const nodeEnv = get('NODE_ENV') ?? 'development';
  const production = nodeEnv === 'production';
  const port = int('PORT', 3000, 0, 65535);
  const host = get('HOST') ?? '0.0.0.0';
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const dataDirRaw = get('DATA_DIR') ?? './.data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);

  const myPrivateApiKey = get('MY_PRIVATE_API_KEY');
  if (myPrivateApiKey !== undefined && myPrivateApiKey.length < 32) {
    problems.push('MY_PRIVATE_API_KEY must be at least 32 characters long');
  }
  const secretsKey = get('SECRETS_KEY');
  if (secretsKey !== undefined && !isBase64Key(secretsKey)) {
    problems.push('SECRETS_KEY must be 32 bytes encoded as base64 (try: openssl rand -base64 32)');
  }
  const adminEmail = get('ADMIN_EMAIL');
  if (adminEmail !== undefined && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) {
    problems.push('ADMIN_EMAIL must be an email address');
  }
  const adminPassword = get('ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 12) {
    problems.push('ADMIN_PASSWORD must be at least 12 characters long');
  }

  const publicBaseUrl = (url('PUBLIC_BASE_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:']);
  const redisKeyPrefix = get('REDIS_KEY_PREFIX') ?? 'gw';
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(redisKeyPrefix)) {
    problems.push(`REDIS_KEY_PREFIX must be 1–64 characters of A–Z, a–z, 0–9, _ . : - (got "${redisKeyPrefix}")`);
  }
  const throttling: ThrottlingConfig = {
    windowSeconds: int('RATE_LIMIT_WINDOW_SECONDS', 60, 1, 3600),
    generateRequestsPerMinute: int('GENERATE_REQUESTS_PER_MINUTE', 0, 0, 1_000_000),
    operatorRequestsPerMinute: int('OPERATOR_REQUESTS_PER_MINUTE', 6000, 1, 10_000_000),
    redisKeyPrefix,
  };
  const role = oneOf<Role>('ROLE', ['all', 'api', 'worker'], 'all');
  const storageDriver = oneOf<StorageDriver>('STORAGE_DRIVER', ['local', 's3'], 'local');
  const s3 = {
    bucket: get('S3_BUCKET'),
    region: get('S3_REGION') ?? 'us-east-1',
    endpoint: url('S3_ENDPOINT', ['http:', 'https:']),
    accessKeyId: get('S3_ACCESS_KEY_ID'),
    secretAccessKey: get('S3_SECRET_ACCESS_KEY'),
    forcePathStyle: bool('S3_FORCE_PATH_STYLE', false),
  };
  if (storageDriver === 's3' && s3.bucket === undefined) {
    problems.push('S3_BUCKET is required when STORAGE_DRIVER=s3');
  }
  const logLevel = oneOf<LogLevel>('LOG_LEVEL', LOG_LEVELS, 'info');
  const bodyLimitBytes = int('BODY_LIMIT_BYTES', 15 * 1024 * 1024, 1024, 100 * 1024 * 1024);
  const testModeGrant = int('TEST_MODE_GRANT', 100_000, 0, 1_000_000_000_000);
  const pricing = parsePricing(get('PRICING_JSON'), problems);
  const simulator = { imageMs: int('SIMULATOR_IMAGE_MS', 1500, 0, 600_000), videoMs: int('SIMULATOR_VIDEO_MS', 4000, 0, 600_000) };
  const testModeDeadlineSeconds = int('TEST_MODE_DEADLINE_SECONDS', 120, 1, 86_400);
  const providerPool: ProviderPoolConfig = {
    allowUnknownBalance: bool('PROVIDER_ALLOW_UNKNOWN_BALANCE', true),
    quotaPerCredit: int('PROVIDER_QUOTA_PER_CREDIT', 100, 0, 1_000_000_000),
    maxConcurrencyPerAccount: int('PROVIDER_ACCOUNT_CONCURRENCY', 8, 1, 10_000),
    qpsPerAccount: int('PROVIDER_ACCOUNT_QPS', 10, 1, 100_000),
    balanceRefreshSeconds: int('PROVIDER_BALANCE_REFRESH_SECONDS', 300, 1, 86_400),
    apiyiBaseUrl: (url('APIYI_BASE_URL', ['http:', 'https:']) ?? 'https://api.apiyi.com').replace(/\/+$/, ''),
    seedanceModel: get('SEEDANCE_MODEL') ?? 'doubao-seedance-2-0-fast-260128',
    imageModel: get('IMAGE_MODEL') ?? 'gpt-image-2',
    imageTimeoutMs: int('IMAGE_TIMEOUT_MS', 180_000, 1000, 3_600_000),
    cooldownSeconds: int('PROVIDER_COOLDOWN_SECONDS', 30, 1, 3600),
    breakerThreshold: int('PROVIDER_BREAKER_THRESHOLD', 5, 1, 1000),
    breakerSeconds: int('PROVIDER_BREAKER_SECONDS', 60, 1, 86_400),
    pollFirstMs: int('PROVIDER_POLL_FIRST_MS', 5000, 10, 600_000),
    pollMaxMs: int('PROVIDER_POLL_MAX_MS', 20_000, 10, 600_000),
  };

  if (production) {
    const missing = [
      databaseUrl === undefined ? 'DATABASE_URL' : undefined,
      myPrivateApiKey === undefined ? 'MY_PRIVATE_API_KEY' : undefined,
      secretsKey === undefined ? 'SECRETS_KEY' : undefined,
    ].filter((name): name is string => name !== undefined);
    if (missing.length > 0) {
      problems.push(
        `NODE_ENV=production needs ${missing.join(', ')}: set ${missing.length > 1 ? 'them' : 'it'} in the environment (generated secrets and the embedded database are for development only)`,
      );
    }
  }

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return {
    nodeEnv,
    production,
    port,
    host,
    databaseUrl,
    dataDir,
    myPrivateApiKey,
    secretsKey,
    adminEmail,
    adminPassword,
    publicBaseUrl,
    redisUrl,
    throttling,
    role,
    storageDriver,
    s3,
    logLevel,
    bodyLimitBytes,
    testModeGrant,
    schedulerEnabled: role !== 'api',
    pricing,
    simulator,
    testModeDeadlineSeconds,
    providerPool,
  };
}

function parsePricing(raw: string | undefined, problems: string[]): PricingTable {
  if (raw === undefined) {
    return DEFAULT_PRICING;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push('PRICING_JSON must be valid JSON');
    return DEFAULT_PRICING;
  }
  const isPrice = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 1_000_000_000;
  const check = (part: unknown, path: string): boolean => {
    if (part === undefined) {
      return true;
    }
    if (typeof part !== 'object' || part === null) {
      problems.push(`PRICING_JSON ${path} must be an object`);
      return false;
    }
    const allowed = path.endsWith('image') ? ['LOW', 'MEDIUM'] : ['perSecond', 'perSecondWithAudio'];
    for (const [k, v] of Object.entries(part)) {
      if (!allowed.includes(k) || !isPrice(v)) {
        problems.push(`PRICING_JSON ${path}.${k} must be one of ${allowed.join(', ')} with a whole number of credits`);
        return false;
      }
    }
    return true;
  };
  const p = parsed as { image?: unknown; video?: unknown; plans?: Record<string, { image?: unknown; video?: unknown }> };
  check(p.image, 'image');
  check(p.video, 'video');
  for (const [code, plan] of Object.entries(p.plans ?? {})) {
    check(plan.image, `plans.${code}.image`);
    check(plan.video, `plans.${code}.video`);
  }
  return {
    image: { ...DEFAULT_PRICING.image, ...(p.image as object) },
    video: { ...DEFAULT_PRICING.video, ...(p.video as object) },
    plans: (p.plans ?? {}) as PricingTable['plans'],
  };
}

export function isBase64Key(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, 'base64').length === 32;
}
