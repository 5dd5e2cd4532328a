import { Injectable } from '@nestjs/common';
import { StorageService } from '@app/storage';
import type { PollOutcome, ProviderAdapter, ProviderFailure, ProviderJob, ProviderOutput, SubmitOutcome } from '../provider.port';
import { SIZE_TABLE } from '../size-table';
import { UpstreamNetworkError } from '../upstream-http';
import { MODERATION_FAILURE, classifyApiyi, errorOf, readAll } from './apiyi-common';
import { ApiyiCaller } from './apiyi-caller';

export const SEEDANCE_TASKS_PATH = '/seedance/api/v3/contents/generations/tasks';
const CALL_TIMEOUT_MS = 30_000;
const DOWNLOAD_TIMEOUT_MS = 120_000;
const BUSY_WAIT_MS = 2000;
const MODERATION = /sensitive|moderation|privacy/i;

const NO_ACCOUNT: ProviderFailure = { code: 'provider_unavailable', message: 'The provider account of this job is gone; its credits were released.' };

interface SeedanceTask {
  id?: unknown;
  status?: unknown;
  content?: { video_url?: unknown };
  error?: { code?: unknown; message?: unknown };
  updated_at?: unknown;
}

/**
 * APIYI Seedance 2.0 (the Ark task protocol behind APIYI's gateway): create a task, query it until
 * it ends, and hand the mp4 over as a stream the runner copies into our storage. No cancel upstream.
 */
@Injectable()
export class ApiyiSeedanceAdapter implements ProviderAdapter {
  readonly name = 'apiyi';

  constructor(
    private readonly caller: ApiyiCaller,
    private readonly storage: StorageService,
  ) {}

  async submit(job: ProviderJob, signal: AbortSignal): Promise<SubmitOutcome> {
    const body = await this.body(job);
    if (body === undefined) {
      return { kind: 'failed', failure: { code: 'generation_failed', message: 'The reference image of this job is no longer stored; its credits were released.' } };
    }
    const result = await this.caller.call(job.providerAccountId, signal, BUSY_WAIT_MS, async ({ account, baseUrl, credentials }): Promise<SubmitOutcome> => {
      try {
        const res = await this.caller.http.json({
          method: 'POST',
          url: `${baseUrl}${SEEDANCE_TASKS_PATH}`,
          headers: { authorization: `Bearer ${credentials.apiKey}`, 'content-type': 'application/json', 'accept-encoding': 'identity' },
          body: JSON.stringify(body),
          timeoutMs: CALL_TIMEOUT_MS,
          signal,
          // Repeated only when the request provably never left (connection refused and the like).
          retries: 2,
        });
        const id = (res.json as SeedanceTask | undefined)?.id;
        if (res.status >= 200 && res.status < 300 && typeof id === 'string' && id !== '') {
          await this.caller.report(account.id, { kind: 'ok' });
          return { kind: 'accepted', taskId: id };
        }
        return await this.caller.refusedSubmission(account.id, res, 'upstream answered without a task id');
      } catch (error) {
        return this.caller.lostSubmission(account.id, error, (message) => `task creation ${message}`);
      }
    });
    switch (result.kind) {
      case 'done':
        return result.value;
      case 'busy':
        return { kind: 'transient', reason: 'account budget full', retryAfterMs: 500, local: true };
      case 'no_account':
        return { kind: 'transient', reason: 'no usable account', retryAfterMs: 0, reroute: true };
    }
  }

  async poll(job: ProviderJob, signal: AbortSignal): Promise<PollOutcome> {
    if (job.providerTaskId === null) {
      return { kind: 'failed', failure: NO_ACCOUNT };
    }
    const taskId = job.providerTaskId;
    const result = await this.caller.call(job.providerAccountId, signal, BUSY_WAIT_MS, async ({ account, baseUrl, credentials }): Promise<PollOutcome> => {
      try {
        const res = await this.caller.http.json({
          method: 'GET',
          url: `${baseUrl}${SEEDANCE_TASKS_PATH}/${encodeURIComponent(taskId)}`,
          headers: { authorization: `Bearer ${credentials.apiKey}`, 'accept-encoding': 'identity' },
          timeoutMs: CALL_TIMEOUT_MS,
          signal,
          retries: 2,
        });
        if (res.status === 404) {
          return { kind: 'failed', failure: { code: 'provider_unavailable', message: 'The provider no longer knows this job; its credits were released.' } };
        }
        if (res.status < 200 || res.status >= 300) {
          const verdict = classifyApiyi(res);
          if (verdict.kind === 'account' || verdict.kind === 'transient') {
            await this.caller.report(account.id, verdict.signal);
          }
          // The task lives on upstream whatever our account's state: keep asking.
          return { kind: 'transient', reason: `status check answered ${res.status}`, retryAfterMs: verdict.kind === 'account' ? verdict.retryAfterMs : undefined };
        }
        await this.caller.report(account.id, { kind: 'ok' });
        return this.mapTask(res.json as SeedanceTask);
      } catch (error) {
        if (!(error instanceof UpstreamNetworkError)) {
          throw error;
        }
        await this.caller.report(account.id, { kind: 'server_error', detail: error.message });
        return { kind: 'transient', reason: error.message };
      }
    });
    switch (result.kind) {
      case 'done':
        return result.value;
      case 'busy':
        return { kind: 'transient', reason: 'account budget full', retryAfterMs: 500, local: true };
      case 'no_account':
        return { kind: 'failed', failure: NO_ACCOUNT };
    }
  }

  pollPlan(): { firstMs: number; maxMs: number } {
    const { pollFirstMs, pollMaxMs } = this.caller.config.providerPool;
    return { firstMs: pollFirstMs, maxMs: pollMaxMs };
  }

  private mapTask(task: SeedanceTask): PollOutcome {
    const status = typeof task.status === 'string' ? task.status : 'unknown';
    switch (status) {
      case 'queued':
      case 'running':
        return { kind: 'processing', providerStatus: status };
      case 'succeeded': {
        const url = task.content?.video_url;
        if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
          return { kind: 'failed', failure: { code: 'generation_failed', message: 'The provider finished without an output; its credits were released.' } };
        }
        const completedAt = typeof task.updated_at === 'number' ? new Date(task.updated_at * 1000) : undefined;
        return { kind: 'completed', output: this.download(url), completedAt };
      }
      case 'failed':
      case 'cancelled': {
        const { code, message } = errorOf({ error: task.error });
        if (MODERATION.test(code) || MODERATION.test(message)) {
          return { kind: 'failed', failure: MODERATION_FAILURE };
        }
        return { kind: 'failed', failure: { code: 'generation_failed', message: 'The provider could not generate this video; its credits were released.' } };
      }
      case 'expired':
        return { kind: 'failed', failure: { code: 'timeout', message: 'The provider did not run this job in time; its credits were released.' } };
      default:
        // Unfamiliar: keep polling; the deadline bounds it.
        return { kind: 'processing', providerStatus: status, unfamiliar: true };
    }
  }

  /** The signed upstream URL carries its own authorization: no key is sent with it. */
  private download(url: string): ProviderOutput {
    return {
      kind: 'stream',
      open: async () => {
        const res = await this.caller.http.stream({ method: 'GET', url, headers: { 'accept-encoding': 'identity' }, timeoutMs: DOWNLOAD_TIMEOUT_MS });
        if (res.status !== 200) {
          res.body.destroy();
          throw new Error(`output download answered ${res.status}`);
        }
        return { body: res.body, contentType: res.contentType === 'application/octet-stream' ? 'video/mp4' : res.contentType, contentLength: res.contentLength };
      },
    };
  }

  private async body(job: ProviderJob): Promise<Record<string, unknown> | undefined> {
    const r = job.request;
    const size = SIZE_TABLE[r.size];
    const content: Record<string, unknown>[] = [{ type: 'text', text: r.prompt }];
    if (r.reference) {
      const object = await this.storage.get(r.reference.objectKey);
      if (!object) {
        return undefined;
      }
      const bytes = await readAll(object.stream);
      content.push({ type: 'image_url', image_url: { url: `data:${r.reference.contentType};base64,${bytes.toString('base64')}` }, role: 'reference_image' });
    }
    for (const asset of r.assets ?? []) {
      content.push({ type: 'image_url', image_url: { url: `asset://${asset.providerAssetId}` }, role: 'reference_image' });
    }
    return {
      model: this.caller.config.providerPool.seedanceModel,
      content,
      ratio: size.seedanceRatio,
      resolution: size.seedanceResolution,
      duration: r.duration ?? 5,
      // Upstream defaults to true: always say what the customer paid for.
      generate_audio: r.motionHasAudio === true,
      watermark: false,
    };
  }
}
