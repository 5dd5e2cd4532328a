/**
 * The seam to the provider account pool: Volcengine accounts (the asset library) as this library
 * needs them, credentials already unsealed. The pool binds its implementation to
 * VOLCENGINE_ACCOUNTS at merge time; until then the token holds a swappable, empty source.
 */
export interface VolcengineAccount {
  id: string;
  label: string;
  /** e.g. `https://open.volcengineapi.com` (tests: the provider simulator). */
  baseUrl: string;
  region: string;
  projectName: string;
  accessKeyId: string;
  /** The raw secret (used as UTF-8, never base64-decoded). Never logged, never returned. */
  secretAccessKey: string;
}

export interface VolcengineAccounts {
  /** Usable accounts (enabled, valid), in the pool's order of preference. */
  list(): Promise<VolcengineAccount[]>;
  get(id: string): Promise<VolcengineAccount | undefined>;
}

export const VOLCENGINE_ACCOUNTS = Symbol('VOLCENGINE_ACCOUNTS');

export const DEFAULT_VOLCENGINE_BASE_URL = 'https://open.volcengineapi.com';

/** A fixed list, for tests and for the placeholder binding. */
export class StaticVolcengineAccounts implements VolcengineAccounts {
  constructor(private readonly accounts: VolcengineAccount[] = []) {}

  list(): Promise<VolcengineAccount[]> {
    return Promise.resolve([...this.accounts]);
  }

  get(id: string): Promise<VolcengineAccount | undefined> {
    return Promise.resolve(this.accounts.find((a) => a.id === id));
  }
}

/**
 * The default binding of VOLCENGINE_ACCOUNTS until the pool is wired in: delegates to a source that
 * can be replaced at run time (in-process tests hand it accounts pointed at the simulator).
 */
export class SwappableVolcengineAccounts implements VolcengineAccounts {
  constructor(private source: VolcengineAccounts = new StaticVolcengineAccounts()) {}

  use(source: VolcengineAccounts): void {
    this.source = source;
  }

  list(): Promise<VolcengineAccount[]> {
    return this.source.list();
  }

  get(id: string): Promise<VolcengineAccount | undefined> {
    return this.source.get(id);
  }
}
