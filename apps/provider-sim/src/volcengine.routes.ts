import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { detectImageType } from '@app/simulation';
import { verifyRequest } from '@app/volcengine-assets/signer';
import { parseJsonObject, sendJson, sleep } from './sim.http';
import { VOLC_ACTIONS, type VolcAction } from './sim.options';
import type { AssetStatus, SimAsset, SimAssetGroup, SimState } from './sim.state';

/*
 * The Volcengine asset OpenAPI (`POST /?Action=…&Version=2024-01-01`, signature V4).
 * Statuses, as far as the documents tell (the rest inferred): signature problems 401, missing IAM
 * policy 403 AccessDenied, QPS 429 FlowLimitExceeded, unknown action/version 404, deleting an id
 * unknown in that project 404 NotFound; every other business error arrives under HTTP 200 with
 * `ResponseMetadata.Error`. Deleting an id that was deleted before succeeds.
 */

const VERSION = '2024-01-01';
const ASSET_STATUSES = new Set<AssetStatus>(['Processing', 'Active', 'Failed']);
const MAX_IMAGE_BYTES = 30 * 1024 * 1024;

class VolcError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 200,
  ) {
    super(message);
  }
}

function requestId(now: number): string {
  return `${new Date(now).toISOString().replace(/\D/g, '').slice(0, 14)}${randomBytes(10).toString('hex').toUpperCase()}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function newResourceId(prefix: string, now: number): string {
  return `${prefix}-${new Date(now).toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(4).toString('hex')}`;
}

function str(v: unknown, name: string, required: true): string;
function str(v: unknown, name: string, required?: false): string | undefined;
function str(v: unknown, name: string, required = false): string | undefined {
  if (v === undefined || v === null || v === '') {
    if (required) {
      throw new VolcError('MissingParameter', `The required parameter ${name} is missing.`);
    }
    return undefined;
  }
  if (typeof v !== 'string') {
    throw new VolcError('InvalidParameter', `The parameter ${name} must be a string.`);
  }
  return v;
}

function strList(v: unknown, name: string): string[] | undefined {
  if (v === undefined || v === null) {
    return undefined;
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new VolcError('InvalidParameter', `The parameter ${name} must be a list of strings.`);
  }
  return v as string[];
}

function paging(body: Record<string, unknown>): { page: number; size: number } {
  const page = body.PageNumber ?? 1;
  const size = body.PageSize ?? 10;
  if (typeof page !== 'number' || !Number.isInteger(page) || page < 1) {
    throw new VolcError('InvalidParameter', 'PageNumber must be a positive integer.');
  }
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 100) {
    throw new VolcError('InvalidParameter', 'PageSize must be an integer from 1 to 100.');
  }
  return { page, size };
}

function pageOf<T>(items: T[], body: Record<string, unknown>): { Items: T[]; PageNumber: number; PageSize: number; TotalCount: number } {
  const { page, size } = paging(body);
  return { Items: items.slice((page - 1) * size, page * size), PageNumber: page, PageSize: size, TotalCount: items.length };
}

function groupView(g: SimAssetGroup): Record<string, unknown> {
  return {
    Id: g.Id,
    Name: g.Name,
    Description: g.Description,
    GroupType: g.GroupType,
    ProjectName: g.ProjectName,
    CreateTime: iso(g.createdAt),
    UpdateTime: iso(g.updatedAt),
  };
}

function assetView(state: SimState, a: SimAsset): Record<string, unknown> {
  const status = state.assetStatus(a);
  return {
    Id: a.Id,
    Name: a.Name,
    URL: a.URL,
    AssetType: a.AssetType,
    GroupId: a.GroupId,
    ProjectName: a.ProjectName,
    Status: status,
    ...(status === 'Failed' && a.error ? { Error: a.error } : {}),
    CreateTime: iso(a.createdAt),
    UpdateTime: iso(Math.max(a.updatedAt, status === 'Processing' ? 0 : a.readyAt)),
  };
}

/** Fetches the asset URL the way Volcengine would, then settles the asset's outcome. */
async function ingest(state: SimState, asset: SimAsset): Promise<void> {
  const fail = (Code: string, Message: string) => {
    asset.outcome = 'Failed';
    asset.error = { Code, Message };
  };
  try {
    const res = await fetch(asset.URL, { signal: AbortSignal.timeout(state.options.assetFetchTimeoutMs ?? 10_000), redirect: 'follow' });
    const bytes = Buffer.from(await res.arrayBuffer());
    if (!res.ok) {
      fail('DownloadFailed', `Downloading the URL failed with HTTP ${res.status}.`);
    } else if (bytes.length > MAX_IMAGE_BYTES || detectImageType(bytes) === undefined) {
      fail('InvalidImage', 'The file at the URL is not a supported image.');
    } else if (bytes.includes(state.options.realFaceMarker ?? 'sim-real-face')) {
      fail('InputImageSensitiveContentDetected.PrivacyInformation', 'The image may contain a real person.');
    } else {
      asset.outcome = 'Active';
    }
  } catch (e) {
    fail('DownloadFailed', `Downloading the URL failed: ${(e as Error).message}.`);
  }
  asset.fetched = true;
}

function groupIn(state: SimState, ak: string, project: string, id: string): SimAssetGroup | undefined {
  const g = state.groups.get(id);
  return g && g.accessKeyId === ak && g.ProjectName === project ? g : undefined;
}

function assetIn(state: SimState, ak: string, project: string, id: string): SimAsset | undefined {
  const a = state.assets.get(id);
  return a && a.accessKeyId === ak && a.ProjectName === project ? a : undefined;
}

function run(state: SimState, action: VolcAction, ak: string, body: Record<string, unknown>): Record<string, unknown> {
  // Most asset APIs fall back to the `default` project when ProjectName is missing.
  const project = str(body.ProjectName, 'ProjectName') ?? 'default';
  const now = state.now();
  const account = state.volc.get(ak);
  switch (action) {
    case 'CreateAssetGroup': {
      const name = str(body.Name, 'Name', true);
      const type = str(body.GroupType, 'GroupType') ?? 'AIGC';
      if (type !== 'AIGC') {
        throw new VolcError('InvalidParameter', 'GroupType must be AIGC.');
      }
      if (account?.authorizationLetterSigned === false) {
        throw new VolcError('OperationDenied.AuthorizationRequired', 'Sign the virtual-avatar authorization letter in the console before creating asset groups.');
      }
      const g: SimAssetGroup = {
        Id: newResourceId('group', now),
        Name: name,
        Description: str(body.Description, 'Description') ?? '',
        GroupType: type,
        ProjectName: project,
        accessKeyId: ak,
        createdAt: now,
        updatedAt: now,
      };
      state.groups.set(g.Id, g);
      return { Id: g.Id };
    }
    case 'GetAssetGroup': {
      const g = groupIn(state, ak, project, str(body.Id, 'Id', true));
      if (!g) {
        throw new VolcError('NotFound', 'The asset group does not exist.');
      }
      return groupView(g);
    }
    case 'ListAssetGroups': {
      const filter = (body.Filter ?? {}) as Record<string, unknown>;
      const type = str(filter.GroupType, 'Filter.GroupType');
      const name = str(filter.Name, 'Filter.Name');
      const ids = strList(filter.GroupIds, 'Filter.GroupIds');
      const items = [...state.groups.values()]
        .filter((g) => g.accessKeyId === ak && g.ProjectName === project)
        .filter((g) => (type === undefined || g.GroupType === type) && (name === undefined || g.Name.includes(name)) && (ids === undefined || ids.includes(g.Id)))
        .sort((a, b) => b.createdAt - a.createdAt || (a.Id < b.Id ? -1 : 1))
        .map(groupView);
      return pageOf(items, body);
    }
    case 'UpdateAssetGroup': {
      const g = groupIn(state, ak, project, str(body.Id, 'Id', true));
      if (!g) {
        throw new VolcError('NotFound', 'The asset group does not exist.');
      }
      g.Name = str(body.Name, 'Name') ?? g.Name;
      g.Description = str(body.Description, 'Description') ?? g.Description;
      g.updatedAt = now;
      return { Id: g.Id };
    }
    case 'DeleteAssetGroup': {
      const id = str(body.Id, 'Id', true);
      const g = groupIn(state, ak, project, id);
      if (!g) {
        if (state.deleted.has(id)) {
          return {};
        }
        throw new VolcError('NotFound', 'The asset group does not exist.', 404);
      }
      for (const a of state.assets.values()) {
        if (a.GroupId === id) {
          state.assets.delete(a.Id);
          state.deleted.add(a.Id);
        }
      }
      state.groups.delete(id);
      state.deleted.add(id);
      return {};
    }
    case 'CreateAsset': {
      const groupId = str(body.GroupId, 'GroupId', true);
      const url = str(body.URL, 'URL', true);
      const type = str(body.AssetType, 'AssetType') ?? 'Image';
      if (type !== 'Image') {
        throw new VolcError('InvalidParameter', 'AssetType must be Image.');
      }
      if (!/^https?:\/\//i.test(url)) {
        throw new VolcError('InvalidParameter', 'URL must be a publicly reachable http(s) URL; base64 is not accepted.');
      }
      if (!groupIn(state, ak, project, groupId)) {
        throw new VolcError('NotFound', 'The asset group does not exist.');
      }
      const asset: SimAsset = {
        Id: newResourceId('asset', now),
        Name: str(body.Name, 'Name') ?? '',
        URL: url,
        AssetType: type,
        GroupId: groupId,
        ProjectName: project,
        accessKeyId: ak,
        createdAt: now,
        updatedAt: now,
        fetched: false,
        readyAt: now + state.switches.assetProcessingMs,
        outcome: 'Active',
      };
      state.assets.set(asset.Id, asset);
      if (state.switches.assetFetch) {
        void ingest(state, asset);
      } else {
        asset.fetched = true;
      }
      return { Id: asset.Id };
    }
    case 'GetAsset': {
      const a = assetIn(state, ak, project, str(body.Id, 'Id', true));
      if (!a) {
        throw new VolcError('NotFound', 'The asset does not exist.');
      }
      return assetView(state, a);
    }
    case 'ListAssets': {
      const filter = (body.Filter ?? {}) as Record<string, unknown>;
      const groupIds = strList(filter.GroupIds, 'Filter.GroupIds');
      const statuses = strList(filter.Statuses, 'Filter.Statuses');
      const name = str(filter.Name, 'Filter.Name');
      if (statuses?.some((s) => !ASSET_STATUSES.has(s as AssetStatus))) {
        throw new VolcError('InvalidParameter', 'Filter.Statuses accepts Processing, Active and Failed.');
      }
      const items = [...state.assets.values()]
        .filter((a) => a.accessKeyId === ak && a.ProjectName === project)
        .filter(
          (a) =>
            (groupIds === undefined || groupIds.includes(a.GroupId)) &&
            (name === undefined || a.Name.includes(name)) &&
            (statuses === undefined || statuses.includes(state.assetStatus(a))),
        )
        .sort((a, b) => b.createdAt - a.createdAt || (a.Id < b.Id ? -1 : 1))
        .map((a) => assetView(state, a));
      return pageOf(items, body);
    }
    case 'UpdateAsset': {
      const a = assetIn(state, ak, project, str(body.Id, 'Id', true));
      if (!a) {
        throw new VolcError('NotFound', 'The asset does not exist.');
      }
      a.Name = str(body.Name, 'Name') ?? a.Name;
      a.updatedAt = now;
      return { Id: a.Id };
    }
    case 'DeleteAsset': {
      const id = str(body.Id, 'Id', true);
      const a = assetIn(state, ak, project, id);
      if (!a) {
        if (state.deleted.has(id)) {
          return {};
        }
        throw new VolcError('NotFound', 'The asset does not exist.', 404);
      }
      state.assets.delete(id);
      state.deleted.add(id);
      return {};
    }
  }
}

function forcedError(status: number): VolcError {
  switch (status) {
    case 401:
      return new VolcError('InvalidAccessKey', 'The access key is invalid.', 401);
    case 403:
      return new VolcError('AccessDenied', 'User is not authorized to perform: ark:*Asset*', 403);
    case 429:
      return new VolcError('FlowLimitExceeded', 'Flow limit exceeded, please try again later.', 429);
    default:
      return new VolcError(status === 503 ? 'ServiceUnavailableTemp' : 'InternalError', 'The service is temporarily unavailable.', status);
  }
}

export async function volcengine(state: SimState, req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
  const actionName = url.searchParams.get('Action') ?? '';
  const version = url.searchParams.get('Version') ?? '';
  const region = state.options.volcRegion ?? 'cn-beijing';
  const service = state.options.volcService ?? 'ark';
  const now = state.now();
  const meta: Record<string, unknown> = { RequestId: requestId(now), Action: actionName, Version: version, Service: service, Region: region };
  const answer = (status: number, result?: Record<string, unknown>, error?: VolcError) => {
    sendJson(res, error ? error.status : status, error ? { ResponseMetadata: { ...meta, Error: { Code: error.code, Message: error.message } } } : { ResponseMetadata: meta, Result: result });
  };

  const action = (VOLC_ACTIONS as readonly string[]).includes(actionName) ? (actionName as VolcAction) : undefined;
  if (action !== undefined) {
    await sleep(state.switches.latencyMs[`volc.${action}`] ?? 0);
  }
  const verdict = verifyRequest({
    method: req.method ?? 'POST',
    url: req.url ?? '/',
    headers: req.headers,
    body: raw,
    secretFor: (ak) => state.volc.get(ak)?.secretAccessKey,
    now: new Date(now),
    maxSkewMs: state.options.maxSkewMs,
  });
  if (action !== undefined) {
    state.count(`volc.${action}`, verdict.accessKeyId);
  }
  if (!verdict.ok) {
    answer(401, undefined, new VolcError(verdict.code, verdict.message, 401));
    return;
  }
  if (verdict.region !== region || verdict.service !== service) {
    answer(401, undefined, new VolcError('SignatureDoesNotMatch', `The credential scope must be for region ${region} and service ${service}.`, 401));
    return;
  }
  const ak = verdict.accessKeyId;
  if (action === undefined || version !== VERSION || req.method !== 'POST') {
    answer(404, undefined, new VolcError('InvalidActionOrVersion', `Could not find operation ${actionName} for version ${version}.`, 404));
    return;
  }
  if (!state.admitVolc(action, ak)) {
    answer(429, undefined, new VolcError('FlowLimitExceeded', `Request rate of ${action} exceeds the limit, please try again later.`, 429));
    return;
  }
  const forced = state.takeFault(ak);
  if (forced !== undefined) {
    answer(forced, undefined, forcedError(forced));
    return;
  }
  if (state.volc.get(ak)?.accessDenied === true) {
    answer(403, undefined, forcedError(403));
    return;
  }
  const body = raw.length === 0 ? {} : parseJsonObject(raw);
  if (!body) {
    answer(200, undefined, new VolcError('InvalidParameter', 'The body must be a JSON object.'));
    return;
  }
  try {
    answer(200, run(state, action, ak, body));
  } catch (e) {
    if (e instanceof VolcError) {
      answer(200, undefined, e);
      return;
    }
    throw e;
  }
}
