import { Inject, Injectable } from '@nestjs/common';
import { request } from 'undici';
import { signRequest } from './signer';
import { type UpstreamRateLimiter, RateLimitWaitExceeded, UPSTREAM_RATE_LIMITER } from './rate-limiter';
import type { VolcengineAccount } from './volcengine-accounts';
import { type VolcengineAction, type VolcengineAssetsOptions, VOLCENGINE_ASSETS_OPTIONS } from './volcengine-assets.options';
import { VolcengineError, classifyVolcengineError, transportError } from './volcengine.errors';

export const VOLCENGINE_API_VERSION = '2024-01-01';
export const VOLCENGINE_SERVICE = 'ark';

export type VolcAssetStatus = 'Processing' | 'Active' | 'Failed';

export interface VolcAssetGroup {
  Id: string;
  Name: string;
  Description?: string;
  GroupType?: string;
  ProjectName?: string;
  CreateTime?: string;
  UpdateTime?: string;
}

export interface VolcAsset {
  Id: string;
  Name?: string;
  URL?: string;
  AssetType?: string;
  GroupId?: string;
  ProjectName?: string;
  Status: VolcAssetStatus;
  Error?: { Code?: string; Message?: string };
  CreateTime?: string;
  UpdateTime?: string;
}

export interface VolcPage<T> {
  Items: T[];
  PageNumber: number;
  PageSize: number;
  TotalCount: number;
}

/** Every call may name the project; without it the account's project is sent (never nothing). */
interface ProjectScoped {
  projectName?: string;
}

const PAGE_SIZE = 100;
const MAX_PAGES = 1000;

/**
 * The Volcengine asset OpenAPI (`POST <baseUrl>/?Action=…&Version=2024-01-01`, signature V4,
 * service `ark`). Every call: waits for the account's per-action budget, always sends ProjectName,
 * reads `ResponseMetadata.Error` whatever the HTTP status, and throws VolcengineError with an
 * operator-readable cause. Deleting what is already gone is success.
 */
@Injectable()
export class VolcengineClient {
  constructor(
    @Inject(UPSTREAM_RATE_LIMITER) private readonly limiter: UpstreamRateLimiter,
    @Inject(VOLCENGINE_ASSETS_OPTIONS) private readonly options: VolcengineAssetsOptions,
  ) {}

  // --- groups ---------------------------------------------------------------------------------

  async createAssetGroup(account: VolcengineAccount, input: ProjectScoped & { name: string; description?: string }): Promise<{ Id: string }> {
    return this.call(account, 'CreateAssetGroup', { Name: input.name, Description: input.description, GroupType: 'AIGC', ProjectName: input.projectName }, false);
  }

  getAssetGroup(account: VolcengineAccount, input: ProjectScoped & { id: string }): Promise<VolcAssetGroup> {
    return this.call(account, 'GetAssetGroup', { Id: input.id, ProjectName: input.projectName });
  }

  listAssetGroups(account: VolcengineAccount, input: ProjectScoped & { pageNumber?: number; pageSize?: number; name?: string } = {}): Promise<VolcPage<VolcAssetGroup>> {
    return this.call(account, 'ListAssetGroups', {
      Filter: { GroupType: 'AIGC', ...(input.name !== undefined ? { Name: input.name } : {}) },
      ProjectName: input.projectName,
      PageNumber: input.pageNumber ?? 1,
      PageSize: input.pageSize ?? PAGE_SIZE,
    });
  }

  /** Every AIGC group of the project, all pages. */
  listAllAssetGroups(account: VolcengineAccount, input: ProjectScoped & { name?: string } = {}): Promise<VolcAssetGroup[]> {
    return this.allPages((pageNumber) => this.listAssetGroups(account, { ...input, pageNumber, pageSize: PAGE_SIZE }));
  }

  updateAssetGroup(account: VolcengineAccount, input: ProjectScoped & { id: string; name?: string; description?: string }): Promise<{ Id?: string }> {
    return this.call(account, 'UpdateAssetGroup', { Id: input.id, Name: input.name, Description: input.description, ProjectName: input.projectName });
  }

  /** `alreadyGone` when Volcengine did not know the group (any more): still a success. */
  deleteAssetGroup(account: VolcengineAccount, input: ProjectScoped & { id: string }): Promise<{ alreadyGone: boolean }> {
    return this.deleting(this.call(account, 'DeleteAssetGroup', { Id: input.id, ProjectName: input.projectName }));
  }

  // --- assets ---------------------------------------------------------------------------------

  /** Asynchronous upstream: the asset starts `Processing`; Volcengine fetches `url` itself. */
  createAsset(account: VolcengineAccount, input: ProjectScoped & { groupId: string; url: string; name?: string }): Promise<{ Id: string }> {
    return this.call(account, 'CreateAsset', { GroupId: input.groupId, URL: input.url, AssetType: 'Image', Name: input.name, ProjectName: input.projectName }, false);
  }

  getAsset(account: VolcengineAccount, input: ProjectScoped & { id: string }): Promise<VolcAsset> {
    return this.call(account, 'GetAsset', { Id: input.id, ProjectName: input.projectName });
  }

  listAssets(
    account: VolcengineAccount,
    input: ProjectScoped & { groupIds?: string[]; statuses?: VolcAssetStatus[]; name?: string; pageNumber?: number; pageSize?: number } = {},
  ): Promise<VolcPage<VolcAsset>> {
    const filter: Record<string, unknown> = {};
    if (input.groupIds !== undefined) {
      filter.GroupIds = input.groupIds;
    }
    if (input.statuses !== undefined) {
      filter.Statuses = input.statuses;
    }
    if (input.name !== undefined) {
      filter.Name = input.name;
    }
    return this.call(account, 'ListAssets', { Filter: filter, ProjectName: input.projectName, PageNumber: input.pageNumber ?? 1, PageSize: input.pageSize ?? PAGE_SIZE });
  }

  listAllAssets(account: VolcengineAccount, input: ProjectScoped & { groupIds?: string[]; statuses?: VolcAssetStatus[]; name?: string } = {}): Promise<VolcAsset[]> {
    return this.allPages((pageNumber) => this.listAssets(account, { ...input, pageNumber, pageSize: PAGE_SIZE }));
  }

  updateAsset(account: VolcengineAccount, input: ProjectScoped & { id: string; name: string }): Promise<{ Id?: string }> {
    return this.call(account, 'UpdateAsset', { Id: input.id, Name: input.name, ProjectName: input.projectName });
  }

  deleteAsset(account: VolcengineAccount, input: ProjectScoped & { id: string }): Promise<{ alreadyGone: boolean }> {
    return this.deleting(this.call(account, 'DeleteAsset', { Id: input.id, ProjectName: input.projectName }));
  }

  // --- transport ------------------------------------------------------------------------------

  /**
   * One action, with waiting for budget, back-off and retry on 429 / FlowLimitExceeded (the call
   * was refused, so retrying cannot duplicate it), and retry of idempotent calls on transport errors.
   */
  async call<T>(account: VolcengineAccount, action: VolcengineAction, body: Record<string, unknown>, idempotent = true): Promise<T> {
    const payload = JSON.stringify({ ...stripUndefined(body), ProjectName: (body.ProjectName as string | undefined) ?? account.projectName });
    const key = `${account.id}|${action}`;
    const projectName = (body.ProjectName as string | undefined) ?? account.projectName;
    for (let attempt = 0; ; attempt++) {
      let permit;
      try {
        permit = await this.limiter.acquire(key, this.options.qps[action], this.options.maxWaitMs);
      } catch (error) {
        if (error instanceof RateLimitWaitExceeded) {
          throw new VolcengineError('rate_limited', action, 'LocalBudgetExhausted', '', undefined, undefined, `No ${action} budget for account "${account.label}" within ${this.options.maxWaitMs} ms; retry later.`);
        }
        throw error;
      }
      let outcome: { ok: true; result: T } | { ok: false; error: VolcengineError };
      try {
        outcome = await this.send<T>(account, action, payload, projectName);
      } finally {
        permit.release();
      }
      if (outcome.ok) {
        return outcome.result;
      }
      const error = outcome.error;
      if (error.kind === 'rate_limited' && attempt < this.options.rateLimitRetries) {
        this.limiter.backoff(key, this.options.backoffMs * 2 ** attempt);
        continue;
      }
      if (error.kind === 'transient' && idempotent && attempt < this.options.transientRetries) {
        await new Promise((r) => setTimeout(r, this.options.backoffMs * 2 ** attempt));
        continue;
      }
      throw error;
    }
  }

  private async send<T>(account: VolcengineAccount, action: VolcengineAction, payload: string, projectName: string): Promise<{ ok: true; result: T } | { ok: false; error: VolcengineError }> {
    const url = `${account.baseUrl.replace(/\/+$/, '')}/?Action=${action}&Version=${VOLCENGINE_API_VERSION}`;
    const signed = signRequest({
      method: 'POST',
      url,
      headers: { 'Content-Type': 'application/json' },
      body: payload,
      accessKeyId: account.accessKeyId,
      secretAccessKey: account.secretAccessKey,
      region: account.region,
      service: VOLCENGINE_SERVICE,
    });
    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        method: 'POST',
        headers: signed.headers,
        body: payload,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (error) {
      return { ok: false, error: scrub(transportError(action, (error as Error).message), account) };
    }
    let json: { ResponseMetadata?: { RequestId?: string; Error?: { Code?: string; Message?: string } }; Result?: unknown } | undefined;
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      json = undefined;
    }
    const meta = json?.ResponseMetadata;
    const ctx = { action, httpStatus: status, requestId: meta?.RequestId, projectName, accountLabel: account.label };
    // Errors can arrive under HTTP 200: the envelope decides, the status only fills in.
    if (meta?.Error !== undefined && meta.Error !== null) {
      return { ok: false, error: scrub(classifyVolcengineError(String(meta.Error.Code ?? `HTTP${status}`), String(meta.Error.Message ?? ''), ctx), account) };
    }
    if (status >= 400 || json === undefined || typeof json !== 'object') {
      const error = status >= 400 ? classifyVolcengineError(`HTTP${status}`, '', ctx) : transportError(action, `unreadable answer (HTTP ${status})`, status);
      return { ok: false, error: scrub(error, account) };
    }
    return { ok: true, result: (json.Result ?? {}) as T };
  }

  private async deleting(call: Promise<unknown>): Promise<{ alreadyGone: boolean }> {
    try {
      await call;
      return { alreadyGone: false };
    } catch (error) {
      if (error instanceof VolcengineError && error.kind === 'not_found') {
        return { alreadyGone: true };
      }
      throw error;
    }
  }

  private async allPages<T>(page: (pageNumber: number) => Promise<VolcPage<T>>): Promise<T[]> {
    const all: T[] = [];
    for (let n = 1; n <= MAX_PAGES; n++) {
      const p = await page(n);
      const items = p.Items ?? [];
      all.push(...items);
      if (items.length === 0 || all.length >= (p.TotalCount ?? 0) || items.length < (p.PageSize ?? PAGE_SIZE)) {
        break;
      }
    }
    return all;
  }
}

function stripUndefined(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

/** Belt and braces: no error text may carry the secret, whatever an upstream echoes back. */
function scrub(error: VolcengineError, account: VolcengineAccount): VolcengineError {
  const secret = account.secretAccessKey;
  if (secret.length < 4 || (!error.message.includes(secret) && !error.providerMessage.includes(secret))) {
    return error;
  }
  const clean = (s: string) => s.split(secret).join('***');
  return new VolcengineError(error.kind, error.action, error.code, clean(error.providerMessage), error.httpStatus, error.requestId, clean(error.hint));
}
