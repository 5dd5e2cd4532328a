import { Injectable } from '@nestjs/common';
import { PgNotifyService } from '@app/database';
import { CUSTOMER_CHANGES_CHANNEL } from '@app/customers';
import type { ApiKeyMode } from './api-key.entity';
import { KEY_PATTERN, hashKey } from './api-key.format';
import { ApiKeysRepository } from './api-keys.repository';
import { LastUsedTracker } from './last-used.tracker';

/** What a valid customer key resolves to, for the rest of the request. */
export interface CustomerPrincipal {
  customerId: string;
  mode: ApiKeyMode;
  keyId: string;
  planCode: string;
}

/** NOTIFY channel carrying the id of a key that was revoked. */
export const API_KEY_CHANGES_CHANNEL = 'api_key_changed';

const TTL_MS = 5000;
const MAX_ENTRIES = 50_000;

interface Entry {
  principal: CustomerPrincipal | null;
  keyId?: string;
  customerId?: string;
  expiresAt: number;
}

/**
 * Key → principal, cached briefly. A revocation or a customer status change is NOTIFYed by
 * whichever instance made it and drops the matching entries everywhere; the TTL is only the
 * backstop. While the LISTEN connection is down the cache is bypassed, and it is emptied when
 * the connection comes back (notifications sent in between are lost). A lookup that started
 * before an invalidation does not store its possibly stale answer (the generation check).
 */
@Injectable()
export class ApiKeyResolver {
  private readonly cache = new Map<string, Entry>();
  private generation = 0;

  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly lastUsed: LastUsedTracker,
    private readonly notify: PgNotifyService,
  ) {
    // Subscribed in the constructor so the listener LISTENs before the first request.
    notify.subscribe(API_KEY_CHANGES_CHANNEL, (keyId) => this.drop((e) => e.keyId === keyId));
    notify.subscribe(CUSTOMER_CHANGES_CHANNEL, (customerId) => this.drop((e) => e.customerId === customerId));
    notify.onReconnect(() => this.drop(() => true));
  }

  async resolve(token: string): Promise<CustomerPrincipal | undefined> {
    if (!KEY_PATTERN.test(token)) {
      return undefined;
    }
    const hash = hashKey(token);
    const now = Date.now();
    const trusted = this.notify.listening;
    const cached = trusted ? this.cache.get(hash) : undefined;
    let principal: CustomerPrincipal | null;
    if (cached && cached.expiresAt > now) {
      principal = cached.principal;
    } else {
      const generation = this.generation;
      const row = await this.repository.findAuthByHash(hash);
      principal =
        row && !row.revoked && row.customerStatus === 'active'
          ? { customerId: row.customerId, mode: row.mode, keyId: row.keyId, planCode: row.planCode }
          : null;
      if (trusted && generation === this.generation) {
        if (this.cache.size >= MAX_ENTRIES) {
          this.cache.clear();
        }
        this.cache.set(hash, { principal, keyId: row?.keyId, customerId: row?.customerId, expiresAt: now + TTL_MS });
      }
    }
    if (principal) {
      this.lastUsed.touch(principal.keyId);
    }
    return principal ?? undefined;
  }

  private drop(match: (entry: Entry) => boolean): void {
    this.generation++;
    for (const [hash, entry] of this.cache) {
      if (match(entry)) {
        this.cache.delete(hash);
      }
    }
  }
}
