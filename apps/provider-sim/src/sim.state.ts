import {
  DEFAULT_SWITCHES,
  IMAGE_MODELS,
  SEEDANCE_MODELS,
  type ProviderSimOptions,
  type SimApiyiAccount,
  type SimEndpoint,
  type SimSwitches,
  type SimVolcAccount,
  type VolcAction,
} from './sim.options';

export interface ApiyiAccountState {
  key: string;
  accessToken?: string;
  quota: number;
  usedQuota: number;
  requestCount: number;
  groups: Set<string>;
  volcAccessKeyId?: string;
  projectName: string;
}

export type VolcAccountState = Required<SimVolcAccount>;

export type TaskOutcome = 'succeeded' | 'failed' | 'expired' | 'stuck';
export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'expired';

export interface SimTask {
  id: string;
  key: string;
  model: string;
  createdAt: number;
  queuedMs: number;
  runningMs: number;
  outcome: TaskOutcome;
  error?: { code: string; message: string };
  /** The create body as received (data URLs over 1 KiB replaced by their length and sha256). */
  request: Record<string, unknown>;
  ratio: string;
  resolution: string;
  duration: number;
  seed: number;
  generateAudio: boolean;
  totalTokens: number;
}

export type AssetStatus = 'Processing' | 'Active' | 'Failed';

export interface SimAssetGroup {
  Id: string;
  Name: string;
  Description: string;
  GroupType: string;
  ProjectName: string;
  accessKeyId: string;
  createdAt: number;
  updatedAt: number;
}

export interface SimAsset {
  Id: string;
  Name: string;
  URL: string;
  AssetType: string;
  GroupId: string;
  ProjectName: string;
  accessKeyId: string;
  createdAt: number;
  updatedAt: number;
  /** Set once the sim has fetched (or failed to fetch) the URL. */
  fetched: boolean;
  readyAt: number;
  outcome: 'Active' | 'Failed';
  error?: { Code: string; Message: string };
}

export interface VolcRequestRecord {
  at: number;
  accessKeyId: string;
  /** Refused with FlowLimitExceeded. */
  limited: boolean;
}

export interface SimFault {
  status: number;
  /** Calls left to fail; null = until cleared. */
  remaining: number | null;
}

export interface SimCounts {
  byEndpoint: Record<string, number>;
  byKey: Record<string, Record<string, number>>;
}

// Large enough that benches never run dry unless they ask to.
const DEFAULT_QUOTA = 1_000_000_000_000;
const VOLC_LOG_CAP = 200_000;

/** Everything the simulator knows, plus the control surface tests and benches use. */
export class SimState {
  readonly switches: SimSwitches;
  readonly options: Readonly<ProviderSimOptions>;
  readonly now: () => number;
  readonly videoModels: Set<string>;
  readonly imageModels: Set<string>;
  readonly apiyi = new Map<string, ApiyiAccountState>();
  readonly apiyiByToken = new Map<string, ApiyiAccountState>();
  readonly volc = new Map<string, VolcAccountState>();
  readonly tasks = new Map<string, SimTask>();
  readonly groups = new Map<string, SimAssetGroup>();
  readonly assets = new Map<string, SimAsset>();
  /** Ids deleted before: deleting them again is a plain success. */
  readonly deleted = new Set<string>();
  readonly faults = new Map<string, SimFault>();
  private readonly calls = new Map<string, number>();
  private readonly callsByKey = new Map<string, Map<string, number>>();
  private readonly volcLog = new Map<VolcAction, VolcRequestRecord[]>();
  private readonly qpsWindows = new Map<string, number[]>();
  private rng: number;

  constructor(options: ProviderSimOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.switches = { ...DEFAULT_SWITCHES, ...options.switches, latencyMs: { ...options.switches?.latencyMs }, volcQpsLimits: { ...options.switches?.volcQpsLimits } };
    this.videoModels = new Set(options.videoModels ?? SEEDANCE_MODELS);
    this.imageModels = new Set(options.imageModels ?? IMAGE_MODELS);
    this.rng = (options.seed ?? 0x5eed) >>> 0;
    for (const a of options.apiyiAccounts ?? []) {
      this.upsertApiyiAccount(a);
    }
    for (const v of options.volcAccounts ?? []) {
      this.upsertVolcAccount(v);
    }
  }

  // --- control ---------------------------------------------------------------------------

  setSwitches(patch: Partial<SimSwitches>): SimSwitches {
    Object.assign(this.switches, {
      ...patch,
      latencyMs: { ...this.switches.latencyMs, ...patch.latencyMs },
      volcQpsLimits: { ...this.switches.volcQpsLimits, ...patch.volcQpsLimits },
    });
    return this.switches;
  }

  upsertApiyiAccount(a: SimApiyiAccount): ApiyiAccountState {
    const prior = this.apiyi.get(a.key);
    if (prior?.accessToken !== undefined) {
      this.apiyiByToken.delete(prior.accessToken);
    }
    const state: ApiyiAccountState = {
      key: a.key,
      accessToken: a.accessToken ?? prior?.accessToken,
      quota: a.quota ?? prior?.quota ?? DEFAULT_QUOTA,
      usedQuota: a.usedQuota ?? prior?.usedQuota ?? 0,
      requestCount: prior?.requestCount ?? 0,
      groups: new Set(a.groups ?? (prior ? [...prior.groups] : ['default', 'SeeDance2'])),
      volcAccessKeyId: a.volcAccessKeyId ?? prior?.volcAccessKeyId,
      projectName: a.projectName ?? prior?.projectName ?? 'default',
    };
    this.apiyi.set(a.key, state);
    if (state.accessToken !== undefined) {
      this.apiyiByToken.set(state.accessToken, state);
    }
    return state;
  }

  upsertVolcAccount(v: SimVolcAccount): VolcAccountState {
    const state: VolcAccountState = { accessDenied: false, authorizationLetterSigned: true, ...v };
    this.volc.set(v.accessKeyId, state);
    return state;
  }

  setQuota(key: string, quota: number): void {
    const a = this.apiyi.get(key);
    if (!a) {
      throw new Error(`unknown APIYI key`);
    }
    a.quota = quota;
  }

  /** The next `count` calls (all when omitted) made with this credential (sk- key, access token or AK) answer `status`. */
  forceFault(credential: string, status: number, count?: number): void {
    this.faults.set(credential, { status, remaining: count ?? null });
  }

  clearFaults(credential?: string): void {
    if (credential === undefined) {
      this.faults.clear();
    } else {
      this.faults.delete(credential);
    }
  }

  counts(): SimCounts {
    const byKey: Record<string, Record<string, number>> = {};
    for (const [k, m] of this.callsByKey) {
      byKey[k] = Object.fromEntries(m);
    }
    return { byEndpoint: Object.fromEntries(this.calls), byKey };
  }

  callCount(endpoint: SimEndpoint, credential?: string): number {
    return credential === undefined ? (this.calls.get(endpoint) ?? 0) : (this.callsByKey.get(credential)?.get(endpoint) ?? 0);
  }

  /** Every signed request that reached an action, in arrival order (QPS-refused ones flagged). */
  volcRequests(action: VolcAction, accessKeyId?: string): VolcRequestRecord[] {
    const all = this.volcLog.get(action) ?? [];
    return accessKeyId === undefined ? [...all] : all.filter((r) => r.accessKeyId === accessKeyId);
  }

  /** Most requests of an action seen within any window of `windowMs` (refused ones excluded unless asked). */
  maxRequestsPerWindow(action: VolcAction, windowMs = 1000, options: { accessKeyId?: string; includeLimited?: boolean } = {}): number {
    const times = this.volcRequests(action, options.accessKeyId)
      .filter((r) => options.includeLimited === true || !r.limited)
      .map((r) => r.at);
    let best = 0;
    for (let i = 0, j = 0; j < times.length; j++) {
      while (times[j] - times[i] >= windowMs) {
        i++;
      }
      best = Math.max(best, j - i + 1);
    }
    return best;
  }

  /** Clears counters, request logs and faults; accounts, tasks and assets stay. */
  resetCounters(): void {
    this.calls.clear();
    this.callsByKey.clear();
    this.volcLog.clear();
    this.qpsWindows.clear();
    this.faults.clear();
  }

  // --- used by the handlers ----------------------------------------------------------------

  count(endpoint: SimEndpoint, credential: string | undefined): void {
    this.calls.set(endpoint, (this.calls.get(endpoint) ?? 0) + 1);
    if (credential !== undefined && credential !== '') {
      let m = this.callsByKey.get(credential);
      if (!m) {
        m = new Map();
        this.callsByKey.set(credential, m);
      }
      m.set(endpoint, (m.get(endpoint) ?? 0) + 1);
    }
  }

  /** Consumes one forced failure for this credential, if any. */
  takeFault(credential: string): number | undefined {
    const f = this.faults.get(credential);
    if (!f) {
      return undefined;
    }
    if (f.remaining !== null) {
      f.remaining -= 1;
      if (f.remaining <= 0) {
        this.faults.delete(credential);
      }
    }
    return f.status;
  }

  /** Records a Volcengine request and says whether it fits the action's QPS limit for that account. */
  admitVolc(action: VolcAction, accessKeyId: string): boolean {
    const at = this.now();
    const limit = this.switches.volcQpsLimits[action];
    let limited = false;
    if (limit !== undefined && limit > 0) {
      const k = `${accessKeyId}|${action}`;
      let window = this.qpsWindows.get(k);
      if (!window) {
        window = [];
        this.qpsWindows.set(k, window);
      }
      while (window.length > 0 && at - window[0] >= 1000) {
        window.shift();
      }
      limited = window.length >= limit;
      if (!limited) {
        window.push(at);
      }
    }
    let log = this.volcLog.get(action);
    if (!log) {
      log = [];
      this.volcLog.set(action, log);
    }
    log.push({ at, accessKeyId, limited });
    if (log.length > VOLC_LOG_CAP) {
      // Long benches keep the most recent half rather than growing without bound.
      log.splice(0, log.length - VOLC_LOG_CAP / 2);
    }
    return !limited;
  }

  /** Deterministic PRNG (mulberry32) behind `failureRate`. */
  random(): number {
    this.rng = (this.rng + 0x6d2b79f5) >>> 0;
    let t = this.rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  failsByRate(): boolean {
    return this.switches.failureRate > 0 && this.random() < this.switches.failureRate;
  }

  taskStatus(task: SimTask, now = this.now()): TaskStatus {
    const t = now - task.createdAt;
    if (t < task.queuedMs) {
      return 'queued';
    }
    if (task.outcome === 'stuck') {
      return 'running';
    }
    if (t < task.queuedMs + task.runningMs) {
      // An expired task never started.
      return task.outcome === 'expired' ? 'queued' : 'running';
    }
    return task.outcome;
  }

  assetStatus(asset: SimAsset, now = this.now()): AssetStatus {
    return !asset.fetched || now < asset.readyAt ? 'Processing' : asset.outcome;
  }
}
