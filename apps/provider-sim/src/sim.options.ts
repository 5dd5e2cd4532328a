import { VOLCENGINE_ACTIONS, type VolcengineAction } from '@app/volcengine-assets/volcengine-assets.options';

/** The asset actions the simulator serves: the same list the gateway's client calls. */
export const VOLC_ACTIONS = VOLCENGINE_ACTIONS;
export type VolcAction = VolcengineAction;

export type SimEndpoint =
  | 'seedance.create'
  | 'seedance.get'
  | 'images.generations'
  | 'images.edits'
  | 'balance'
  | 'files.video'
  | `volc.${VolcAction}`;

export interface SimApiyiAccount {
  /** The `sk-…` key sent as `Authorization: Bearer`. */
  key: string;
  /** The system access token for `GET /api/user/self`. */
  accessToken?: string;
  /** Remaining quota (500 000 = 1 USD). Default 10^12 (effectively unlimited). */
  quota?: number;
  usedQuota?: number;
  /** Channel groups of the token; Seedance needs `SeeDance2`. Default `['default', 'SeeDance2']`. */
  groups?: string[];
  /** Access key id of the Volcengine account behind this key: only its assets may be referenced. */
  volcAccessKeyId?: string;
  /** Volcengine project of the video token; referenced assets must live there. Default `default`. */
  projectName?: string;
}

export interface SimVolcAccount {
  accessKeyId: string;
  secretAccessKey: string;
  /** IAM user without an `ark:*Asset*` policy: every action answers 403 AccessDenied. */
  accessDenied?: boolean;
  /** False until the console authorization letter is signed: CreateAssetGroup fails. Default true. */
  authorizationLetterSigned?: boolean;
}

/** Everything here can change at run time (options, `control.setSwitches`, `POST /__sim/switches`). */
export interface SimSwitches {
  /** Extra delay before answering, per endpoint (image endpoints: this is the "generation time"). */
  latencyMs: Partial<Record<SimEndpoint, number>>;
  /** Share (0–1) of video tasks ending `failed` and of image calls answering 500. */
  failureRate: number;
  /** New video tasks never leave `running`. */
  stuckTasks: boolean;
  /** New video tasks end `expired`. */
  expiredTasks: boolean;
  /** Every APIYI key is out of quota. */
  exhaustedBalance: boolean;
  /** Image calls: the socket is destroyed after the delay (and the call is still billed). */
  dropImageConnections: boolean;
  taskQueuedMs: number;
  taskRunningMs: number;
  /** Time from CreateAsset until the asset leaves `Processing` (once the sim fetched the URL). */
  assetProcessingMs: number;
  /** When false, CreateAsset does not fetch the URL and ends Active (for benches). */
  assetFetch: boolean;
  /** Per-account, per-action limits; over the limit the sim answers 429 FlowLimitExceeded. */
  volcQpsLimits: Partial<Record<VolcAction, number>>;
}

export interface ProviderSimOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Base of the URLs the sim hands out (video_url); default the listening URL. */
  publicUrl?: string;
  /** Seed of the PRNG behind `failureRate`. */
  seed?: number;
  apiyiAccounts?: SimApiyiAccount[];
  volcAccounts?: SimVolcAccount[];
  switches?: Partial<SimSwitches>;
  /** Models the APIYI channels serve; anything else gets "no available channel". */
  videoModels?: string[];
  imageModels?: string[];
  /** A raw reference image (URL text or bytes) containing this string is a "real face". */
  realFaceMarker?: string;
  /** Quota charged per Seedance token and per image call. */
  videoQuotaPerToken?: number;
  imageQuotaPerCall?: number;
  /** Upstream defaults `generate_audio` to true; we insist on it being sent. Default true. */
  requireGenerateAudio?: boolean;
  volcRegion?: string;
  volcService?: string;
  /** Accepted X-Date skew; default 15 minutes. */
  maxSkewMs?: number;
  assetFetchTimeoutMs?: number;
  /** Serve the `/__sim/…` control API (default true); with a token it needs `x-sim-control-token`. */
  control?: boolean;
  controlToken?: string;
  /** Clock in ms, for tests that drive time by hand. */
  now?: () => number;
}

export const DEFAULT_SWITCHES: SimSwitches = {
  latencyMs: {},
  failureRate: 0,
  stuckTasks: false,
  expiredTasks: false,
  exhaustedBalance: false,
  dropImageConnections: false,
  taskQueuedMs: 100,
  taskRunningMs: 300,
  assetProcessingMs: 300,
  assetFetch: true,
  volcQpsLimits: {},
};

export const SEEDANCE_MODELS = ['doubao-seedance-2-0-fast-260128', 'doubao-seedance-2-0-260128'];
export const IMAGE_MODELS = ['gpt-image-2'];

/** Accounts `npm run sim` starts with when no SIM_CONFIG is given. */
export const SIM_DEMO_ACCOUNTS: Pick<ProviderSimOptions, 'apiyiAccounts' | 'volcAccounts'> = {
  apiyiAccounts: [{ key: 'sk-sim-demo-0000000000000000', accessToken: 'sim-access-token-demo', volcAccessKeyId: 'AKLTsimdemo00000000000000' }],
  volcAccounts: [{ accessKeyId: 'AKLTsimdemo00000000000000', secretAccessKey: 'sim-demo-secret' }],
};
