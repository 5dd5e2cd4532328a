import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SEEDANCE_TASKS_PATH, balance, createSeedanceTask, getSeedanceTask, imageEdits, imageGenerations, serveVideo } from './apiyi.routes';
import { BodyTooLarge, parseJsonObject, readBody, sendJson } from './sim.http';
import type { ProviderSimOptions, SimApiyiAccount, SimVolcAccount, VolcAction } from './sim.options';
import { SimState } from './sim.state';
import { volcengine } from './volcengine.routes';

export interface ProviderSim {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  port: number;
  /** Accounts, switches, counters, request logs, tasks and assets. */
  control: SimState;
  close(): Promise<void>;
}

const BODY_LIMIT = 64 * 1024 * 1024;

/*
 * Control API (for benches and manual use; tests may call `control` directly):
 *   GET    /__sim/state                      switches, counters, sizes
 *   POST   /__sim/switches                   merge a partial SimSwitches
 *   POST   /__sim/faults                     { credential, status, count? }
 *   DELETE /__sim/faults[?credential=…]
 *   POST   /__sim/accounts/apiyi             SimApiyiAccount (upsert)
 *   POST   /__sim/accounts/volc              SimVolcAccount (upsert)
 *   POST   /__sim/quota                      { key, quota }
 *   GET    /__sim/calls                      { byEndpoint, byKey }
 *   GET    /__sim/volc/requests?action=…[&accessKeyId=…][&windowMs=…]   { requests, maxPerWindow }
 *   GET    /__sim/tasks/{id}                 the task as stored, with its current status
 *   POST   /__sim/reset                      counters, request logs and faults
 */
async function controlRoute(state: SimState, req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
  const token = state.options.controlToken;
  if (token !== undefined && req.headers['x-sim-control-token'] !== token) {
    sendJson(res, 401, { error: 'control token required' });
    return;
  }
  const path = url.pathname.slice('/__sim'.length);
  const body = parseJsonObject(raw) ?? {};
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === '/state') {
    sendJson(res, 200, { switches: state.switches, counts: state.counts(), tasks: state.tasks.size, groups: state.groups.size, assets: state.assets.size });
  } else if (method === 'POST' && path === '/switches') {
    sendJson(res, 200, state.setSwitches(body));
  } else if (method === 'POST' && path === '/faults' && typeof body.credential === 'string' && typeof body.status === 'number') {
    state.forceFault(body.credential, body.status, typeof body.count === 'number' ? body.count : undefined);
    sendJson(res, 200, { ok: true });
  } else if (method === 'DELETE' && path === '/faults') {
    state.clearFaults(url.searchParams.get('credential') ?? undefined);
    sendJson(res, 200, { ok: true });
  } else if (method === 'POST' && path === '/accounts/apiyi' && typeof body.key === 'string') {
    const a = state.upsertApiyiAccount(body as unknown as SimApiyiAccount);
    sendJson(res, 200, { ...a, groups: [...a.groups] });
  } else if (method === 'POST' && path === '/accounts/volc' && typeof body.accessKeyId === 'string' && typeof body.secretAccessKey === 'string') {
    state.upsertVolcAccount(body as unknown as SimVolcAccount);
    sendJson(res, 200, { ok: true });
  } else if (method === 'POST' && path === '/quota' && typeof body.key === 'string' && typeof body.quota === 'number' && state.apiyi.has(body.key)) {
    state.setQuota(body.key, body.quota);
    sendJson(res, 200, { ok: true });
  } else if (method === 'GET' && path === '/calls') {
    sendJson(res, 200, state.counts());
  } else if (method === 'GET' && path === '/volc/requests') {
    const action = (url.searchParams.get('action') ?? '') as VolcAction;
    const accessKeyId = url.searchParams.get('accessKeyId') ?? undefined;
    const windowMs = Number(url.searchParams.get('windowMs') ?? 1000);
    sendJson(res, 200, { requests: state.volcRequests(action, accessKeyId), maxPerWindow: state.maxRequestsPerWindow(action, windowMs, { accessKeyId }) });
  } else if (method === 'GET' && path.startsWith('/tasks/')) {
    const task = state.tasks.get(path.slice('/tasks/'.length));
    sendJson(res, task ? 200 : 404, task ? { ...task, status: state.taskStatus(task) } : { error: 'no such task' });
  } else if (method === 'POST' && path === '/reset') {
    state.resetCounters();
    sendJson(res, 200, { ok: true });
  } else {
    sendJson(res, 404, { error: `no control route ${method} ${url.pathname}` });
  }
}

async function route(state: SimState, baseUrl: () => string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim.invalid');
  const method = req.method ?? 'GET';
  const p = url.pathname;
  let raw: Buffer;
  try {
    raw = await readBody(req, BODY_LIMIT);
  } catch (e) {
    if (e instanceof BodyTooLarge) {
      sendJson(res, 413, { error: { code: 'request_too_large', message: e.message, type: 'invalid_request_error', param: '' } });
      return;
    }
    throw e;
  }
  if (p.startsWith('/__sim/') && state.options.control !== false) {
    return controlRoute(state, req, res, url, raw);
  }
  if (method === 'POST' && p === SEEDANCE_TASKS_PATH) {
    return createSeedanceTask(state, req, res, raw);
  }
  if (method === 'GET' && p.startsWith(`${SEEDANCE_TASKS_PATH}/`)) {
    return getSeedanceTask(state, req, res, decodeURIComponent(p.slice(SEEDANCE_TASKS_PATH.length + 1)), baseUrl());
  }
  if (method === 'POST' && p === '/v1/images/generations') {
    return imageGenerations(state, req, res, raw);
  }
  if (method === 'POST' && p === '/v1/images/edits') {
    return imageEdits(state, req, res, raw);
  }
  if (method === 'GET' && p === '/api/user/self') {
    return balance(state, req, res);
  }
  if (method === 'GET' && p.startsWith('/files/videos/')) {
    serveVideo(state, res, p.slice('/files/videos/'.length), url.searchParams);
    return;
  }
  if (p === '/' && url.searchParams.has('Action')) {
    return volcengine(state, req, res, url, raw);
  }
  if (method === 'GET' && p === '/healthz') {
    sendJson(res, 200, { ok: true });
    return;
  }
  sendJson(res, 404, { error: { code: 'not_found', message: `No route for ${method} ${p}`, type: 'invalid_request_error', param: '' } });
}

/** Starts the simulator (default 127.0.0.1 on a free port). */
export async function createProviderSim(options: ProviderSimOptions = {}): Promise<ProviderSim> {
  const state = new SimState(options);
  let base = '';
  const server: Server = createServer((req, res) => {
    route(state, () => base, req, res).catch((e: unknown) => {
      sendJson(res, 500, { error: { code: 'sim_internal_error', message: (e as Error).message, type: 'api_error', param: '' } });
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address === '0.0.0.0' ? '127.0.0.1' : address;
  const url = `http://${host}:${port}`;
  base = (options.publicUrl ?? url).replace(/\/$/, '');
  return {
    url,
    port,
    control: state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
