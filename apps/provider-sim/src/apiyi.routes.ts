import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SAMPLE_MP4, detectImageType, syntheticPng } from '@app/simulation';
import { parseJsonObject, parseMultipart, sendJson, sleep } from './sim.http';
import type { SimEndpoint } from './sim.options';
import type { ApiyiAccountState, SimState, SimTask, TaskOutcome } from './sim.state';

/*
 * APIYI as UPSTREAMS.md describes it: Seedance 2.0 tasks (Ark protocol behind APIYI's gateway),
 * GPT Image 2 (synchronous OpenAI images shape) and the balance endpoint.
 *
 * Magic markers in a prompt (in addition to the switches):
 *   [sim:fail]    the video task ends `failed` / the image call answers 500
 *   [sim:stuck]   the video task never leaves `running`
 *   [sim:expire]  the video task ends `expired`
 *   [sim:429] [sim:401] [sim:500] [sim:503]   that HTTP error, for this call only
 *   [sim:drop]    image call: the connection is destroyed after the delay (still billed)
 * A raw reference image (http(s) URL text, data-URL bytes or uploaded file bytes) containing the
 * real-face marker (default `sim-real-face`) is refused by moderation with
 * InputImageSensitiveContentDetected.PrivacyInformation. `asset://` references are not moderated:
 * that is the point of the asset library.
 * Error bodies and statuses for auth, quota and channel errors follow the new-api gateway APIYI
 * runs (inferred, not on the provider's page).
 */

export const SEEDANCE_TASKS_PATH = '/seedance/api/v3/contents/generations/tasks';
const RATIOS = new Set(['21:9', '16:9', '4:3', '1:1', '3:4', '9:16', 'adaptive']);
const RESOLUTIONS = new Set(['480p', '720p', '1080p']);
const ROLES = new Set(['reference_image', 'first_frame', 'last_frame']);
const PIXELS: Record<string, number> = { '480p': 864 * 480, '720p': 1280 * 720, '1080p': 1920 * 1080 };
const FPS = 24;
const VIDEO_URL_SECRET = randomBytes(16);

interface ApiError {
  status: number;
  code: string;
  message: string;
  type: string;
  param?: string;
}

function sendError(res: ServerResponse, e: ApiError): void {
  sendJson(res, e.status, { error: { code: e.code, message: e.message, type: e.type, param: e.param ?? '' } });
}

const badRequest = (message: string, param: string, code = 'InvalidParameter'): ApiError => ({ status: 400, code, message, type: 'BadRequest', param });

function statusError(status: number): ApiError {
  switch (status) {
    case 401:
      return { status, code: 'invalid_api_key', message: 'Invalid token', type: 'new_api_error' };
    case 403:
      return { status, code: 'insufficient_user_quota', message: 'User quota is not enough', type: 'new_api_error' };
    case 429:
      return { status, code: 'rate_limit_exceeded', message: 'Too many requests, please try again later', type: 'new_api_error' };
    default:
      return { status, code: 'upstream_error', message: `Upstream error (status ${status})`, type: 'upstream_error' };
  }
}

const noChannel = (model: string, group: string): ApiError => ({
  status: 503,
  code: 'model_not_found',
  message: `No available channel for model ${model} under group ${group} (distributor)`,
  type: 'new_api_error',
});

function magicStatus(prompt: string): number | undefined {
  const m = /\[sim:(401|429|500|502|503)\]/.exec(prompt);
  return m ? Number(m[1]) : undefined;
}

function bearerKey(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h === undefined ? null : /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1] : undefined;
}

/** Auth, latency, forced faults: common to every sk- call. Returns the account or answers. */
async function enter(state: SimState, req: IncomingMessage, res: ServerResponse, endpoint: SimEndpoint): Promise<ApiyiAccountState | undefined> {
  const key = bearerKey(req);
  state.count(endpoint, key);
  await sleep(state.switches.latencyMs[endpoint] ?? 0);
  const account = key === undefined ? undefined : state.apiyi.get(key);
  if (!account) {
    sendError(res, statusError(401));
    return undefined;
  }
  account.requestCount += 1;
  const forced = state.takeFault(account.key);
  if (forced !== undefined) {
    sendError(res, statusError(forced));
    return undefined;
  }
  return account;
}

function canPay(state: SimState, account: ApiyiAccountState, cost: number): boolean {
  return !state.switches.exhaustedBalance && account.quota >= cost;
}

function charge(account: ApiyiAccountState, cost: number): void {
  account.quota -= cost;
  account.usedQuota += cost;
}

function containsMarker(state: SimState, url: string): boolean {
  const marker = state.options.realFaceMarker ?? 'sim-real-face';
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    return Buffer.from(url.slice(comma + 1), 'base64').includes(marker) || url.includes(marker);
  }
  return url.includes(marker);
}

const moderationError = (): ApiError =>
  badRequest(
    'The request failed because the input image may contain real person. Request id: sim',
    'content',
    'InputImageSensitiveContentDetected.PrivacyInformation',
  );

// ---- Seedance ----------------------------------------------------------------------------

interface ValidTask {
  model: string;
  prompt: string;
  ratio: string;
  resolution: string;
  duration: number;
  generateAudio: boolean;
  seed: number;
  imageUrls: string[];
}

function validateTask(state: SimState, body: Record<string, unknown> | undefined): ValidTask | ApiError {
  if (!body) {
    return badRequest('The request body must be a JSON object.', 'body');
  }
  const { model, content, ratio = 'adaptive', resolution = '720p', duration = 5, generate_audio, watermark, seed = -1 } = body;
  if (typeof model !== 'string' || model === '') {
    return badRequest('The parameter `model` specified in the request is not valid.', 'model', 'MissingParameter');
  }
  if (!Array.isArray(content) || content.length === 0) {
    return badRequest('The parameter `content` must be a non-empty array.', 'content');
  }
  let prompt = '';
  const imageUrls: string[] = [];
  let references = 0;
  for (const [i, item] of (content as unknown[]).entries()) {
    const it = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (it.type === 'text') {
      if (typeof it.text !== 'string') {
        return badRequest(`content[${i}].text must be a string.`, `content[${i}].text`);
      }
      prompt += it.text;
    } else if (it.type === 'image_url') {
      const url = (it.image_url as Record<string, unknown> | undefined)?.url;
      if (typeof url !== 'string' || !/^(https?:\/\/|data:image\/[a-z+.-]+;base64,|asset:\/\/[A-Za-z0-9_-]+$)/.test(url)) {
        return badRequest(`content[${i}].image_url.url must be an http(s) URL, an image data URL or asset://<AssetId>.`, `content[${i}].image_url.url`);
      }
      const role = it.role ?? 'reference_image';
      if (typeof role !== 'string' || !ROLES.has(role)) {
        return badRequest(`content[${i}].role is not valid.`, `content[${i}].role`);
      }
      if (role === 'reference_image') {
        references += 1;
      }
      imageUrls.push(url);
    } else {
      return badRequest(`content[${i}].type is not valid.`, `content[${i}].type`);
    }
  }
  if (references > 9) {
    return badRequest('At most 9 reference images are allowed.', 'content');
  }
  if (typeof ratio !== 'string' || !RATIOS.has(ratio)) {
    return badRequest('The parameter `ratio` specified in the request is not valid.', 'ratio');
  }
  if (typeof resolution !== 'string' || !RESOLUTIONS.has(resolution) || (model.includes('fast') && resolution === '1080p')) {
    return badRequest(`The parameter \`resolution\` specified in the request is not valid for model ${model}.`, 'resolution');
  }
  if (typeof duration !== 'number' || !Number.isInteger(duration) || (duration !== -1 && (duration < 4 || duration > 15))) {
    return badRequest('The parameter `duration` must be an integer from 4 to 15, or -1.', 'duration');
  }
  if (generate_audio === undefined && state.options.requireGenerateAudio !== false) {
    return badRequest('provider-sim: send `generate_audio` explicitly (upstream defaults it to true).', 'generate_audio', 'MissingParameter');
  }
  if (generate_audio !== undefined && typeof generate_audio !== 'boolean') {
    return badRequest('The parameter `generate_audio` must be a boolean.', 'generate_audio');
  }
  if (watermark !== undefined && typeof watermark !== 'boolean') {
    return badRequest('The parameter `watermark` must be a boolean.', 'watermark');
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    return badRequest('The parameter `seed` must be an integer.', 'seed');
  }
  return { model, prompt, ratio, resolution, duration, generateAudio: generate_audio ?? true, seed, imageUrls };
}

/** An asset is usable only if it is Active, in the Volcengine account and project behind the key. */
function checkAssets(state: SimState, account: ApiyiAccountState, urls: string[]): ApiError | undefined {
  for (const url of urls.filter((u) => u.startsWith('asset://'))) {
    const asset = state.assets.get(url.slice('asset://'.length));
    if (!asset || asset.accessKeyId !== account.volcAccessKeyId || asset.ProjectName !== account.projectName) {
      return badRequest(`asset not found: ${url}`, 'content', 'InvalidParameter');
    }
    if (state.assetStatus(asset) !== 'Active') {
      return badRequest(`asset is not active: ${url}`, 'content', 'InvalidParameter');
    }
  }
  return undefined;
}

/** The request as kept on the task: big data URLs shrink to a digest so 10 000 tasks stay small. */
function retainedRequest(body: Record<string, unknown>): Record<string, unknown> {
  const content = body.content as Record<string, unknown>[];
  return {
    ...body,
    content: content.map((item) => {
      const url = (item.image_url as { url?: unknown } | undefined)?.url;
      if (typeof url !== 'string' || !url.startsWith('data:') || url.length <= 1024) {
        return item;
      }
      const digest = createHash('sha256').update(url).digest('hex');
      return { ...item, image_url: { ...(item.image_url as object), url: `${url.slice(0, url.indexOf(',') + 1)}<${url.length} chars, sha256 ${digest}>` } };
    }),
  };
}

function newTaskId(): string {
  return `cgt-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}${randomBytes(8).toString('hex')}`;
}

export async function createSeedanceTask(state: SimState, req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
  const account = await enter(state, req, res, 'seedance.create');
  if (!account) {
    return;
  }
  const body = parseJsonObject(raw);
  const model = typeof body?.model === 'string' ? body.model : '';
  if (!account.groups.has('SeeDance2') || (model !== '' && !state.videoModels.has(model))) {
    sendError(res, noChannel(model, [...account.groups].join(',')));
    return;
  }
  const v = validateTask(state, body);
  if ('status' in v) {
    sendError(res, v);
    return;
  }
  const magic = magicStatus(v.prompt);
  if (magic !== undefined) {
    sendError(res, statusError(magic));
    return;
  }
  if (v.imageUrls.some((u) => !u.startsWith('asset://') && containsMarker(state, u))) {
    sendError(res, moderationError());
    return;
  }
  const assetError = checkAssets(state, account, v.imageUrls);
  if (assetError) {
    sendError(res, assetError);
    return;
  }
  const duration = v.duration === -1 ? 5 : v.duration;
  const totalTokens = Math.floor((PIXELS[v.resolution] * FPS * duration) / 1024);
  const cost = totalTokens * (state.options.videoQuotaPerToken ?? 1);
  if (!canPay(state, account, cost)) {
    sendError(res, statusError(403));
    return;
  }
  let outcome: TaskOutcome = 'succeeded';
  let error: SimTask['error'];
  if (state.switches.stuckTasks || v.prompt.includes('[sim:stuck]')) {
    outcome = 'stuck';
  } else if (state.switches.expiredTasks || v.prompt.includes('[sim:expire]')) {
    outcome = 'expired';
    error = { code: 'TaskExpired', message: 'The task expired before it could run.' };
  } else if (v.prompt.includes('[sim:fail]') || state.failsByRate()) {
    outcome = 'failed';
    error = { code: 'InternalServiceError', message: 'The service encountered an unexpected internal error.' };
  }
  // Failed and expired tasks are not billed upstream, so only the others pay.
  if (outcome === 'succeeded' || outcome === 'stuck') {
    charge(account, cost);
  }
  const task: SimTask = {
    id: newTaskId(),
    key: account.key,
    model: v.model,
    createdAt: state.now(),
    queuedMs: state.switches.taskQueuedMs,
    runningMs: state.switches.taskRunningMs,
    outcome,
    error,
    request: retainedRequest(body ?? {}),
    ratio: v.ratio === 'adaptive' ? '16:9' : v.ratio,
    resolution: v.resolution,
    duration,
    seed: v.seed === -1 ? Math.floor(state.random() * 2 ** 31) : v.seed,
    generateAudio: v.generateAudio,
    totalTokens,
  };
  state.tasks.set(task.id, task);
  sendJson(res, 200, { id: task.id });
}

export function videoUrlFor(baseUrl: string, task: SimTask, now: number): string {
  const expires = Math.floor(now / 1000) + 86_400;
  const sig = createHmac('sha256', VIDEO_URL_SECRET).update(`${task.id}:${expires}`).digest('hex').slice(0, 32);
  return `${baseUrl}/files/videos/${task.id}.mp4?X-Expires=${expires}&X-Signature=${sig}`;
}

export async function getSeedanceTask(state: SimState, req: IncomingMessage, res: ServerResponse, id: string, baseUrl: string): Promise<void> {
  const account = await enter(state, req, res, 'seedance.get');
  if (!account) {
    return;
  }
  const task = state.tasks.get(id);
  if (!task || task.key !== account.key) {
    sendError(res, { status: 404, code: 'ResourceNotFound', message: `The specified task ${id} is not found.`, type: 'NotFound', param: 'id' });
    return;
  }
  const now = state.now();
  const status = state.taskStatus(task, now);
  const view: Record<string, unknown> = {
    id: task.id,
    model: task.model,
    status,
    created_at: Math.floor(task.createdAt / 1000),
    updated_at: Math.floor(Math.min(now, task.createdAt + task.queuedMs + task.runningMs) / 1000),
    seed: task.seed,
    resolution: task.resolution,
    ratio: task.ratio,
    duration: task.duration,
    framespersecond: FPS,
    generate_audio: task.generateAudio,
  };
  if (status === 'succeeded') {
    view.content = { video_url: videoUrlFor(baseUrl, task, now) };
    view.usage = { completion_tokens: task.totalTokens, total_tokens: task.totalTokens };
  } else if ((status === 'failed' || status === 'expired') && task.error) {
    view.error = task.error;
  }
  sendJson(res, 200, view);
}

export function serveVideo(state: SimState, res: ServerResponse, name: string, query: URLSearchParams): void {
  state.count('files.video', undefined);
  const id = name.replace(/\.mp4$/, '');
  const task = state.tasks.get(id);
  const expires = Number(query.get('X-Expires'));
  const sig = createHmac('sha256', VIDEO_URL_SECRET).update(`${id}:${expires}`).digest('hex').slice(0, 32);
  if (!task || query.get('X-Signature') !== sig || expires * 1000 < state.now()) {
    res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code><Message>Request has expired or the signature is wrong</Message></Error>');
    return;
  }
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': SAMPLE_MP4.length }).end(SAMPLE_MP4);
}

// ---- GPT Image 2 -------------------------------------------------------------------------

function parseSize(size: unknown): { width: number; height: number } | undefined {
  if (size === undefined || size === 'auto') {
    return { width: 1024, height: 1024 };
  }
  const m = typeof size === 'string' ? /^(\d{2,4})x(\d{2,4})$/.exec(size) : null;
  if (!m) {
    return undefined;
  }
  const width = Number(m[1]);
  const height = Number(m[2]);
  const ok = (e: number) => e >= 16 && e <= 3840 && e % 16 === 0;
  return ok(width) && ok(height) ? { width, height } : undefined;
}

interface ImageParams {
  model: unknown;
  prompt: unknown;
  size: unknown;
  quality: unknown;
  outputFormat: unknown;
  n: unknown;
}

async function answerImage(state: SimState, req: IncomingMessage, res: ServerResponse, account: ApiyiAccountState, p: ImageParams, images: Buffer[]): Promise<void> {
  const err = (message: string, param: string): void => sendError(res, { status: 400, code: 'invalid_value', message, type: 'invalid_request_error', param });
  if (typeof p.model !== 'string' || !state.imageModels.has(p.model)) {
    sendError(res, noChannel(typeof p.model === 'string' ? p.model : '', [...account.groups].join(',')));
    return;
  }
  if (typeof p.prompt !== 'string' || p.prompt.trim() === '') {
    return err('prompt is required', 'prompt');
  }
  const size = parseSize(p.size);
  if (!size) {
    return err('size must be WIDTHxHEIGHT with edges multiples of 16, at most 3840, or auto', 'size');
  }
  if (p.quality !== undefined && !(typeof p.quality === 'string' && ['low', 'medium', 'high', 'auto'].includes(p.quality))) {
    return err('quality must be low, medium, high or auto', 'quality');
  }
  if (p.outputFormat !== undefined && !(typeof p.outputFormat === 'string' && ['png', 'jpeg', 'webp'].includes(p.outputFormat))) {
    return err('output_format must be png, jpeg or webp', 'output_format');
  }
  if (p.n !== undefined && Number(p.n) !== 1) {
    return err('n must be 1', 'n');
  }
  const marker = state.options.realFaceMarker ?? 'sim-real-face';
  if (images.some((b) => b.includes(marker))) {
    sendError(res, { status: 400, code: 'moderation_blocked', message: 'Your request was rejected by the safety system.', type: 'image_generation_user_error' });
    return;
  }
  const magic = magicStatus(p.prompt);
  if (magic !== undefined) {
    sendError(res, statusError(magic));
    return;
  }
  const cost = state.options.imageQuotaPerCall ?? 50_000;
  if (!canPay(state, account, cost)) {
    sendError(res, statusError(403));
    return;
  }
  if (p.prompt.includes('[sim:fail]') || state.failsByRate()) {
    sendError(res, statusError(500));
    return;
  }
  // Upstream bills once the image is made, whether or not the answer reaches the caller.
  charge(account, cost);
  if (state.switches.dropImageConnections || p.prompt.includes('[sim:drop]')) {
    req.socket.destroy();
    return;
  }
  // Always PNG bytes: the caller must go by the bytes (magic number), not by output_format.
  const png = syntheticPng({ ...size, seed: p.prompt });
  sendJson(res, 200, {
    created: Math.floor(state.now() / 1000),
    data: [{ b64_json: png.toString('base64') }],
    background: 'opaque',
    output_format: 'png',
    quality: typeof p.quality === 'string' ? p.quality : 'auto',
    size: `${size.width}x${size.height}`,
    usage: { input_tokens: 20 + images.length * 300, output_tokens: 1056, total_tokens: 1076 + images.length * 300 },
  });
}

export async function imageGenerations(state: SimState, req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
  const account = await enter(state, req, res, 'images.generations');
  if (!account) {
    return;
  }
  const body = parseJsonObject(raw);
  if (!body) {
    sendError(res, { status: 400, code: 'invalid_json', message: 'The body must be a JSON object.', type: 'invalid_request_error' });
    return;
  }
  await answerImage(state, req, res, account, { model: body.model, prompt: body.prompt, size: body.size, quality: body.quality, outputFormat: body.output_format, n: body.n }, []);
}

export async function imageEdits(state: SimState, req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
  const account = await enter(state, req, res, 'images.edits');
  if (!account) {
    return;
  }
  const form = parseMultipart(raw, req.headers['content-type']);
  if (!form) {
    sendError(res, { status: 400, code: 'invalid_request', message: 'Expected multipart/form-data.', type: 'invalid_request_error' });
    return;
  }
  const files = form.files.filter((f) => f.field === 'image[]' || f.field === 'image');
  if (files.length === 0 || files.length > 16) {
    sendError(res, { status: 400, code: 'invalid_value', message: 'Send 1 to 16 images as image[] files.', type: 'invalid_request_error', param: 'image' });
    return;
  }
  const bad = files.find((f) => detectImageType(f.data) === undefined || detectImageType(f.data) === 'gif');
  if (bad) {
    sendError(res, { status: 400, code: 'invalid_image_format', message: `Invalid image file ${bad.filename}: expected png, jpeg or webp.`, type: 'invalid_request_error', param: 'image' });
    return;
  }
  const f = form.fields;
  await answerImage(
    state,
    req,
    res,
    account,
    { model: f.get('model'), prompt: f.get('prompt'), size: f.get('size'), quality: f.get('quality'), outputFormat: f.get('output_format'), n: f.get('n') },
    files.map((x) => x.data),
  );
}

// ---- balance -------------------------------------------------------------------------------

export async function balance(state: SimState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // new-api also strips a "Bearer " prefix here; UPSTREAMS.md says send the bare token.
  const token = req.headers.authorization?.replace(/^Bearer\s+/i, '');
  state.count('balance', token);
  await sleep(state.switches.latencyMs.balance ?? 0);
  const account = token === undefined ? undefined : state.apiyiByToken.get(token);
  if (!account) {
    sendJson(res, 401, { success: false, message: 'Unauthorized: access token is invalid' });
    return;
  }
  const forced = state.takeFault(token ?? '');
  if (forced !== undefined) {
    sendJson(res, forced, { success: false, message: `Forced error ${forced}` });
    return;
  }
  sendJson(res, 200, {
    success: true,
    message: '',
    data: {
      id: 1,
      username: 'sim',
      display_name: 'sim',
      role: 1,
      status: 1,
      group: 'default',
      quota: state.switches.exhaustedBalance ? 0 : account.quota,
      used_quota: account.usedQuota,
      request_count: account.requestCount,
    },
  });
}
