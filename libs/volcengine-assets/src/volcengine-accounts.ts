import type { UnsealedVolcengineAccount } from '@app/provider-accounts';
/**
 * The seam to the provider account pool: Volcengine accounts (the asset library) as this library
 * needs them, credentials already unsealed. The pool binds its implementation to
 * VOLCENGINE_ACCOUNTS at merge time; until then the token holds a swappable, empty source.
 */
/** A usable Volcengine account of the pool, credentials opened (see @app/provider-accounts). */
export type VolcengineAccount = UnsealedVolcengineAccount;

export interface VolcengineAccounts {
  /** Usable accounts (enabled, valid), in the pool's order of preference. */
  list(): Promise<VolcengineAccount[]>;
  get(id: string): Promise<VolcengineAccount | undefined>;
}

export const VOLCENGINE_ACCOUNTS = Symbol('VOLCENGINE_ACCOUNTS');

export { DEFAULT_VOLCENGINE_BASE_URL } from '@app/provider-accounts';

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
