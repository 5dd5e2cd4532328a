import { isIP } from 'node:net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, DomainException, type FieldError, type Page, decodeCursor, newId, toPage } from '@app/common';
import { AuditService, type RequestContext } from '@app/auth';
import { CustomersService } from '@app/customers';
import { isUniqueViolation } from '@app/database';
import { type ImageSourceInput, MediaService, classifyIp } from '@app/media';
import { StorageService } from '@app/storage';
import type { AssetMode } from './asset.entity';
import type {
  AssetDto,
  AssetGroupDto,
  CreateAssetGroupDto,
  ListAssetGroupsQueryDto,
  ListAssetsQueryDto,
  OperatorAssetDto,
  OperatorCreateAssetDto,
  OperatorListAssetsQueryDto,
  RegisterAssetDto,
} from './assets.dto';
import { type AssetGroupRow, type AssetRow, AssetsRepository } from './assets.repository';
import { type VolcengineAccount, type VolcengineAccounts, VOLCENGINE_ACCOUNTS } from './volcengine-accounts';
import { type VolcengineAssetsOptions, VOLCENGINE_ASSETS_OPTIONS } from './volcengine-assets.options';
import { VolcengineClient } from './volcengine.client';
import { VolcengineError } from './volcengine.errors';

const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };
const MAX_VIDEO_ASSETS = 9;
const TEST_DEADLINE_SECONDS = 120;

export interface AssetOwner {
  /** NULL: operator-owned. */
  customerId: string | null;
  mode: AssetMode;
}

/** What a video job carries about its assets: provider ids in prompt order, and where they live. */
export interface VideoAssets {
  assets: { providerAssetId: string }[];
  /** The Volcengine account holding them (undefined for test-mode assets and for none). */
  volcengineAccountId?: string;
  projectName?: string;
}

type Audience = 'customer' | 'operator';

/**
 * The asset library: ingest (store the image, hand Volcengine a signed link, CreateAsset, poll),
 * registration of console-verified assets, reads scoped to the caller, deletion upstream and here,
 * and the check video jobs run before reserving credits.
 */
@Injectable()
export class AssetsService {
  private readonly logger = new Logger('Assets');

  constructor(
    private readonly repository: AssetsRepository,
    private readonly client: VolcengineClient,
    @Inject(VOLCENGINE_ACCOUNTS) private readonly accounts: VolcengineAccounts,
    private readonly media: MediaService,
    private readonly storage: StorageService,
    private readonly customers: CustomersService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(VOLCENGINE_ASSETS_OPTIONS) private readonly options: VolcengineAssetsOptions,
  ) {}

  // --- customer -------------------------------------------------------------------------------

  ingestForCustomer(principal: { customerId: string; mode: AssetMode }, name: string, source: ImageSourceInput): Promise<AssetRow> {
    return this.ingest({ customerId: principal.customerId, mode: principal.mode }, name, source, undefined, 'customer');
  }

  async listForCustomer(principal: { customerId: string; mode: AssetMode }, query: ListAssetsQueryDto): Promise<Page<AssetRow>> {
    const limit = query.limit ?? 20;
    const rows = await this.repository.listAssets({ customerId: principal.customerId, mode: principal.mode, status: query.status, before: decodeCursor(query.cursor), limit });
    return toPage(rows, limit, (r) => r.id);
  }

  async getForCustomer(principal: { customerId: string; mode: AssetMode }, id: string): Promise<AssetRow> {
    const row = await this.repository.findCustomerAsset(principal.customerId, principal.mode, id);
    if (!row) {
      throw new DomainException('not_found', 'Asset not found');
    }
    return row;
  }

  async deleteForCustomer(principal: { customerId: string; mode: AssetMode }, id: string): Promise<AssetRow> {
    const row = await this.getForCustomer(principal, id);
    await this.remove(row, 'customer');
    return row;
  }

  // --- video ----------------------------------------------------------------------------------

  /**
   * The check a video job runs before anything is reserved: every id is the caller's own, in the
   * key's mode, `active`, listed once, at most 9, and all on one Volcengine account and project
   * (a job goes through one APIYI account, linked to one Volcengine account). Order is kept: the
   * prompt calls them "Image 1", "Image 2", … in this order.
   */
  async resolveForVideo(principal: { customerId: string; mode: AssetMode }, assetIds: readonly string[] | undefined): Promise<VideoAssets> {
    if (assetIds === undefined || assetIds.length === 0) {
      return { assets: [] };
    }
    if (assetIds.length > MAX_VIDEO_ASSETS) {
      throw new DomainException('invalid_request', `A video can use at most ${MAX_VIDEO_ASSETS} assets`, [{ field: 'assetIds', message: `at most ${MAX_VIDEO_ASSETS} items` }]);
    }
    const rows = new Map((await this.repository.findCustomerAssets(principal.customerId, principal.mode, [...assetIds])).map((r) => [r.id, r]));
    const details: FieldError[] = [];
    const seen = new Set<string>();
    assetIds.forEach((id, i) => {
      const row = rows.get(id);
      if (seen.has(id)) {
        details.push({ field: `assetIds.${i}`, message: 'listed more than once' });
      } else if (!row) {
        details.push({ field: `assetIds.${i}`, message: 'no asset of yours has this id' });
      } else if (row.status !== 'active') {
        details.push({ field: `assetIds.${i}`, message: `is ${row.status}; only active assets can be used` });
      }
      seen.add(id);
    });
    if (details.length > 0) {
      throw new DomainException('invalid_request', 'Every asset must be one of your own active assets, listed once', details);
    }
    const ordered = assetIds.map((id) => rows.get(id)!);
    const homes = new Set(ordered.map((r) => `${r.volcengineAccountId ?? ''}|${r.projectName ?? ''}`));
    if (homes.size > 1) {
      throw new DomainException(
        'invalid_request',
        'These assets live in different provider accounts or projects, and one video can only use assets from one of them; split them across jobs or re-ingest them together',
        ordered.map((r, i) => ({ field: `assetIds.${i}`, message: `held by provider account ${r.volcengineAccountId ?? 'simulator'}` })),
      );
    }
    const first = ordered[0];
    return {
      assets: ordered.map((r) => ({ providerAssetId: r.providerAssetId })),
      ...(first.volcengineAccountId !== null ? { volcengineAccountId: first.volcengineAccountId } : {}),
      ...(first.projectName !== null ? { projectName: first.projectName } : {}),
    };
  }

  // --- operator: assets -----------------------------------------------------------------------

  async ingestForOperator(dto: OperatorCreateAssetDto, ctx: RequestContext): Promise<AssetRow> {
    const row = await this.ingest({ customerId: null, mode: 'live' }, dto.name, dto, dto.volcengineAccountId, 'operator');
    await this.audit.record(undefined, { actor: ctx.actor, action: 'asset.ingested', targetType: 'asset', targetId: row.id, requestId: ctx.requestId, summary: { name: row.name, volcengineAccountId: row.volcengineAccountId } });
    return row;
  }

  async listAll(query: OperatorListAssetsQueryDto): Promise<Page<AssetRow>> {
    const limit = query.limit ?? 20;
    const rows = await this.repository.listAssets({
      customerId: query.customerId,
      status: query.status,
      groupId: query.groupId,
      volcengineAccountId: query.volcengineAccountId,
      before: decodeCursor(query.cursor),
      limit,
    });
    return toPage(rows, limit, (r) => r.id);
  }

  async get(id: string): Promise<AssetRow> {
    const row = await this.repository.findAsset(id);
    if (!row) {
      throw new DomainException('not_found', 'Asset not found');
    }
    return row;
  }

  async delete(id: string, ctx: RequestContext): Promise<AssetRow> {
    const row = await this.get(id);
    await this.remove(row, 'operator');
    await this.audit.record(undefined, { actor: ctx.actor, action: 'asset.deleted', targetType: 'asset', targetId: id, requestId: ctx.requestId, summary: { customerId: row.customerId, kind: row.kind } });
    return row;
  }

  /**
   * Records a real-person asset verified in the Volcengine console (that flow has no API). By
   * default GetAsset confirms it exists, Active, under that account and ProjectName.
   */
  async register(dto: RegisterAssetDto, ctx: RequestContext): Promise<AssetRow> {
    await this.customers.get(dto.customerId);
    const account = await this.accountById(dto.volcengineAccountId, 'volcengineAccountId');
    const projectName = dto.projectName ?? account.projectName;
    if (dto.verify !== false) {
      let upstream;
      try {
        upstream = await this.client.getAsset(account, { id: dto.providerAssetId, projectName });
      } catch (error) {
        throw this.upstreamFailure(error, 'operator');
      }
      if (upstream.Status !== 'Active') {
        throw new DomainException('invalid_request', `Volcengine reports this asset as ${upstream.Status}; register it once it is Active`, [
          { field: 'providerAssetId', message: `is ${upstream.Status} upstream` },
        ]);
      }
    }
    let row: AssetRow;
    try {
      row = await this.repository.insertAsset({
        id: newId('ast'),
        customerId: dto.customerId,
        mode: 'live',
        name: dto.name,
        status: 'active',
        error: null,
        kind: 'registered',
        volcengineAccountId: account.id,
        projectName,
        providerAssetId: dto.providerAssetId,
        groupId: null,
        sourceObjectKey: null,
        firstPollMs: null,
        deadlineSeconds: null,
      });
    } catch (error) {
      if (isUniqueViolation(error, 'assets_provider_key')) {
        throw new DomainException('conflict', 'This Volcengine asset is already recorded on that account', [{ field: 'providerAssetId', message: 'already recorded' }]);
      }
      throw error;
    }
    await this.audit.record(undefined, {
      actor: ctx.actor,
      action: 'asset.registered',
      targetType: 'asset',
      targetId: row.id,
      requestId: ctx.requestId,
      summary: { customerId: dto.customerId, volcengineAccountId: account.id, projectName, providerAssetId: dto.providerAssetId, verified: dto.verify !== false },
    });
    return row;
  }

  // --- operator: groups -----------------------------------------------------------------------

  async listGroups(query: ListAssetGroupsQueryDto): Promise<Page<AssetGroupRow>> {
    const limit = query.limit ?? 20;
    const rows = await this.repository.listGroups({ customerId: query.customerId, volcengineAccountId: query.volcengineAccountId, before: decodeCursor(query.cursor), limit });
    return toPage(rows, limit, (r) => r.id);
  }

  async createGroup(dto: CreateAssetGroupDto, ctx: RequestContext): Promise<AssetGroupRow> {
    if (dto.customerId !== undefined) {
      await this.customers.get(dto.customerId);
    }
    const account = await this.accountById(dto.volcengineAccountId, 'volcengineAccountId');
    if (dto.customerId !== undefined && (await this.repository.findCustomerGroup(dto.customerId, account.id, account.projectName))) {
      throw new DomainException('conflict', 'This customer already has a group on that account and project; their ingests reuse it');
    }
    let created: { Id: string };
    try {
      created = await this.client.createAssetGroup(account, { name: dto.name, projectName: account.projectName });
    } catch (error) {
      throw this.upstreamFailure(error, 'operator');
    }
    const row = await this.repository.insertGroup({
      id: newId('agr'),
      customerId: dto.customerId ?? null,
      volcengineAccountId: account.id,
      providerGroupId: created.Id,
      name: dto.name,
      projectName: account.projectName,
    });
    if (!row) {
      await this.client.deleteAssetGroup(account, { id: created.Id, projectName: account.projectName }).catch(() => undefined);
      throw new DomainException('conflict', 'This customer already has a group on that account and project; their ingests reuse it');
    }
    await this.audit.record(undefined, { actor: ctx.actor, action: 'asset_group.created', targetType: 'asset_group', targetId: row.id, requestId: ctx.requestId, summary: { volcengineAccountId: account.id, customerId: row.customerId, name: row.name } });
    return row;
  }

  /** Deletes the group upstream (already gone is fine) and here, with its assets. */
  async deleteGroup(id: string, ctx: RequestContext): Promise<AssetGroupRow> {
    const row = await this.repository.findGroup(id);
    if (!row) {
      throw new DomainException('not_found', 'Asset group not found');
    }
    const account = await this.accounts.get(row.volcengineAccountId);
    if (account) {
      try {
        await this.client.deleteAssetGroup(account, { id: row.providerGroupId, projectName: row.projectName });
      } catch (error) {
        throw this.upstreamFailure(error, 'operator');
      }
    } else {
      this.logger.warn({ msg: 'deleting an asset group whose Volcengine account is no longer in the pool: only our record goes', groupId: id, volcengineAccountId: row.volcengineAccountId });
    }
    await this.repository.deleteGroup(id);
    await this.audit.record(undefined, { actor: ctx.actor, action: 'asset_group.deleted', targetType: 'asset_group', targetId: id, requestId: ctx.requestId, summary: { volcengineAccountId: row.volcengineAccountId } });
    return row;
  }

  // --- polling (AssetPoller) ------------------------------------------------------------------

  /** One status check of a leased processing asset. */
  async poll(row: AssetRow & { expired: boolean }): Promise<void> {
    if (row.mode === 'test') {
      // Simulated ingest: nothing upstream; it is ready once its delay has passed.
      await this.repository.settle(row.id, 'active', null);
      return;
    }
    if (row.expired) {
      await this.repository.settle(row.id, 'failed', { code: 'timeout', message: 'The asset library did not finish processing this image in time' });
      return;
    }
    const account = row.volcengineAccountId === null ? undefined : await this.accounts.get(row.volcengineAccountId);
    if (!account) {
      // The pool may be briefly without it; the deadline ends the wait.
      await this.repository.reschedule(row.id, this.options.pollIntervalMs);
      return;
    }
    try {
      const upstream = await this.client.getAsset(account, { id: row.providerAssetId, projectName: row.projectName ?? account.projectName });
      switch (upstream.Status) {
        case 'Active':
          await this.repository.settle(row.id, 'active', null);
          return;
        case 'Failed':
          await this.repository.settle(row.id, 'failed', {
            code: String(upstream.Error?.Code ?? 'ingest_failed').slice(0, 200),
            message: String(upstream.Error?.Message ?? 'The asset library rejected this image').slice(0, 500),
          });
          return;
        case 'Processing':
          await this.repository.reschedule(row.id, this.options.pollIntervalMs);
          return;
      }
      await this.repository.reschedule(row.id, this.options.pollIntervalMs);
    } catch (error) {
      if (error instanceof VolcengineError && error.kind === 'not_found') {
        await this.repository.settle(row.id, 'failed', { code: 'not_found', message: 'The asset library no longer knows this asset' });
        return;
      }
      this.logger.warn({ msg: 'asset status check failed; will retry', assetId: row.id, cause: error instanceof Error ? error.message : String(error) });
      await this.repository.reschedule(row.id, this.options.pollIntervalMs);
    }
  }

  // --- views ----------------------------------------------------------------------------------

  toView(row: AssetRow): AssetDto {
    return { id: row.id, name: row.name, status: row.status, error: row.error, createdAt: row.createdAt.toISOString() };
  }

  toOperatorView(row: AssetRow): OperatorAssetDto {
    return {
      ...this.toView(row),
      customerId: row.customerId,
      mode: row.mode,
      kind: row.kind,
      volcengineAccountId: row.volcengineAccountId,
      projectName: row.projectName,
      providerAssetId: row.providerAssetId,
      groupId: row.groupId,
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  toGroupView(row: AssetGroupRow): AssetGroupDto {
    return { ...row, createdAt: row.createdAt.toISOString() };
  }

  // --- internals ------------------------------------------------------------------------------

  private async ingest(owner: AssetOwner, name: string, source: ImageSourceInput, accountId: string | undefined, audience: Audience): Promise<AssetRow> {
    const image = await this.media.decodeReferenceImage({ imageUrl: source.imageUrl, dataUrl: source.dataUrl, base64: source.base64 }, '');
    const id = newId('ast');
    const key = `assets/${id}.${EXT[image.contentType] ?? 'bin'}`;
    const base = { id, customerId: owner.customerId, mode: owner.mode, name, status: 'processing' as const, error: null, kind: 'ingested' as const, sourceObjectKey: key };

    if (owner.mode === 'test') {
      await this.storage.put(key, image.bytes, { contentType: image.contentType, contentLength: image.bytes.length });
      return this.repository.insertAsset({
        ...base,
        volcengineAccountId: null,
        projectName: null,
        providerAssetId: `sim-${id}`,
        groupId: null,
        firstPollMs: this.options.testModeReadyMs,
        deadlineSeconds: TEST_DEADLINE_SECONDS,
      });
    }

    const account = accountId !== undefined ? await this.accountById(accountId, 'volcengineAccountId') : await this.firstAccount(audience);
    this.assertReachable(account, audience);
    await this.storage.put(key, image.bytes, { contentType: image.contentType, contentLength: image.bytes.length });
    try {
      const group = await this.groupFor(owner.customerId, account);
      const { url } = this.storage.signedUrl(key, this.options.sourceUrlTtlSeconds);
      const created = await this.client.createAsset(account, { groupId: group.providerGroupId, url, name, projectName: account.projectName });
      return await this.repository.insertAsset({
        ...base,
        volcengineAccountId: account.id,
        projectName: account.projectName,
        providerAssetId: created.Id,
        groupId: group.id,
        firstPollMs: this.options.firstPollMs,
        deadlineSeconds: this.options.ingestDeadlineSeconds,
      });
    } catch (error) {
      await this.storage.delete(key).catch(() => undefined);
      throw this.upstreamFailure(error, audience);
    }
  }

  /** The owner's reusable AIGC group on this account and project, created on first use. */
  private async groupFor(customerId: string | null, account: VolcengineAccount): Promise<AssetGroupRow> {
    const existing =
      customerId !== null
        ? await this.repository.findCustomerGroup(customerId, account.id, account.projectName)
        : (await this.repository.listGroups({ volcengineAccountId: account.id, limit: 100 })).find((g) => g.customerId === null && g.projectName === account.projectName);
    if (existing) {
      return existing;
    }
    const name = customerId !== null ? `gw-${customerId}` : 'gw-operator';
    const created = await this.client.createAssetGroup(account, { name, description: 'virtual avatars ingested by the gateway', projectName: account.projectName });
    const row = await this.repository.insertGroup({ id: newId('agr'), customerId, volcengineAccountId: account.id, providerGroupId: created.Id, name, projectName: account.projectName });
    if (row) {
      return row;
    }
    // A concurrent ingest created the customer's group first: use theirs, drop ours.
    await this.client.deleteAssetGroup(account, { id: created.Id, projectName: account.projectName }).catch(() => undefined);
    const winner = await this.repository.findCustomerGroup(customerId!, account.id, account.projectName);
    if (!winner) {
      throw new Error('asset group vanished during creation');
    }
    return winner;
  }

  private async remove(row: AssetRow, audience: Audience): Promise<void> {
    // A registered asset came from the console: forgetting it here leaves the person's verified asset alone.
    if (row.mode === 'live' && row.kind === 'ingested' && row.volcengineAccountId !== null) {
      const account = await this.accounts.get(row.volcengineAccountId);
      if (account) {
        try {
          await this.client.deleteAsset(account, { id: row.providerAssetId, projectName: row.projectName ?? account.projectName });
        } catch (error) {
          throw this.upstreamFailure(error, audience);
        }
      } else {
        this.logger.warn({ msg: 'deleting an asset whose Volcengine account is no longer in the pool: only our record goes', assetId: row.id, volcengineAccountId: row.volcengineAccountId });
      }
    }
    await this.repository.deleteAsset(row.id);
    if (row.sourceObjectKey !== null) {
      await this.storage.delete(row.sourceObjectKey).catch(() => undefined);
    }
  }

  private async firstAccount(audience: Audience): Promise<VolcengineAccount> {
    const [account] = await this.accounts.list();
    if (!account) {
      throw new DomainException(
        'unavailable',
        audience === 'operator' ? 'No Volcengine account is configured in the provider pool; add one under /api/accounts' : 'The asset library is not available right now; nothing was stored. Retry later.',
      );
    }
    return account;
  }

  private async accountById(id: string, field: string): Promise<VolcengineAccount> {
    const account = await this.accounts.get(id);
    if (!account) {
      throw new DomainException('invalid_request', 'No usable Volcengine account has this id', [{ field, message: 'no usable Volcengine account has this id' }]);
    }
    return account;
  }

  /** Volcengine fetches the image itself: a loopback/private PUBLIC_BASE_URL cannot work against a public endpoint. */
  private assertReachable(account: VolcengineAccount, audience: Audience): void {
    const ours = hostOf(this.config.publicBaseUrl);
    const theirs = hostOf(account.baseUrl);
    if (ours !== undefined && theirs !== undefined && isPrivateHost(ours) && !isPrivateHost(theirs)) {
      const cause = `PUBLIC_BASE_URL (${this.config.publicBaseUrl}) is not reachable from Volcengine, which must fetch the image from it: set PUBLIC_BASE_URL to this gateway's public https address`;
      if (audience === 'customer') {
        this.logger.error({ msg: 'asset ingest impossible', cause });
        throw new DomainException('unavailable', 'The asset library is not available right now; nothing was stored. Retry later.');
      }
      throw new DomainException('unavailable', cause);
    }
  }

  /** Customers get a neutral message (the cause is logged for operators); operators get the cause. */
  private upstreamFailure(error: unknown, audience: Audience): Error {
    if (!(error instanceof VolcengineError)) {
      return error instanceof Error ? error : new Error(String(error));
    }
    const provider = { action: error.action, code: error.code, requestId: error.requestId ?? null };
    if (audience === 'customer') {
      this.logger.warn({ msg: 'Volcengine refused an asset call', cause: error.message, ...provider });
      return new DomainException('unavailable', 'The asset library could not take this request right now; nothing was stored. Retry later.');
    }
    if (error.kind === 'not_found' || error.kind === 'invalid_request') {
      return new DomainException('invalid_request', error.message, undefined, { provider });
    }
    return new DomainException('unavailable', error.message, undefined, { provider });
  }
}

function hostOf(url: string): string | undefined {
  try {
    const h = new URL(url).hostname.toLowerCase();
    return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
  } catch {
    return undefined;
  }
}

function isPrivateHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return true;
  }
  return isIP(host) !== 0 && !classifyIp(host).public;
}
