import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { sniffImage } from '@app/media';
import { StorageService } from '@app/storage';
import type { PollOutcome, ProviderAdapter, ProviderJob, SubmitOutcome } from '../provider.port';
import { GPT_IMAGE_QUALITY, SIZE_TABLE } from '../size-table';
import { readAll } from './apiyi-common';
import { ApiyiCaller } from './apiyi-caller';

const BUSY_WAIT_MS = 5000;
const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/**
 * APIYI GPT Image 2: one synchronous call (about two minutes) that answers with the image itself.
 * The concurrency slot is held for the whole call. A call whose answer is lost after sending may
 * still be billed upstream: it is reported `unknown` and never silently repeated elsewhere.
 */
@Injectable()
export class ApiyiImageAdapter implements ProviderAdapter {
  readonly name = 'apiyi';

  constructor(
    private readonly caller: ApiyiCaller,
    private readonly storage: StorageService,
  ) {}

  async submit(job: ProviderJob, signal: AbortSignal): Promise<SubmitOutcome> {
    const r = job.request;
    const pool = this.caller.config.providerPool;
    const fields: Record<string, string> = { model: pool.imageModel, prompt: r.prompt, size: SIZE_TABLE[r.size].gptImage, quality: GPT_IMAGE_QUALITY[r.quality ?? 'LOW'], n: '1' };
    let reference: { bytes: Buffer; contentType: string } | undefined;
    if (r.reference) {
      const object = await this.storage.get(r.reference.objectKey);
      if (!object) {
        return { kind: 'failed', failure: { code: 'generation_failed', message: 'The reference image of this job is no longer stored; its credits were released.' } };
      }
      reference = { bytes: await readAll(object.stream), contentType: r.reference.contentType };
    }
    const result = await this.caller.call(job.providerAccountId, signal, BUSY_WAIT_MS, async ({ account, baseUrl, credentials }): Promise<SubmitOutcome> => {
      let body: string | Buffer;
      let headers: Record<string, string> = { authorization: `Bearer ${credentials.apiKey}`, 'accept-encoding': 'identity' };
      let path: string;
      if (reference) {
        // Edits take the reference as a multipart file (`image[]`).
        const form = multipart(fields, { field: 'image[]', filename: `reference.${EXT[reference.contentType] ?? 'png'}`, contentType: reference.contentType, bytes: reference.bytes });
        body = form.body;
        headers = { ...headers, 'content-type': form.contentType };
        path = '/v1/images/edits';
      } else {
        body = JSON.stringify({ ...fields, n: 1, output_format: 'png' });
        headers = { ...headers, 'content-type': 'application/json' };
        path = '/v1/images/generations';
      }
      try {
        const res = await this.caller.http.json({ method: 'POST', url: `${baseUrl}${path}`, headers, body, timeoutMs: pool.imageTimeoutMs, signal, retries: 2 });
        if (res.status >= 200 && res.status < 300) {
          await this.caller.report(account.id, { kind: 'ok' });
          const b64 = (res.json as { data?: { b64_json?: unknown }[] } | undefined)?.data?.[0]?.b64_json;
          const bytes = typeof b64 === 'string' ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
          const sniffed = sniffImage(bytes);
          if (!sniffed.ok) {
            return { kind: 'failed', failure: { code: 'generation_failed', message: 'The provider answered without a usable image; its credits were released.' } };
          }
          return { kind: 'completed', output: { kind: 'bytes', bytes, contentType: sniffed.info.contentType } };
        }
        return await this.caller.refusedSubmission(account.id, res, 'unexpected answer');
      } catch (error) {
        return this.caller.lostSubmission(account.id, error, (message) => `image call ${message} after sending (the provider may have billed it)`);
      }
    });
    switch (result.kind) {
      case 'done':
        return result.value;
      case 'busy':
        return { kind: 'transient', reason: 'account budget full', retryAfterMs: 1000, local: true };
      case 'no_account':
        return { kind: 'transient', reason: 'no usable account', retryAfterMs: 0, reroute: true };
    }
  }

  /** Synchronous upstream: there is never a task to ask about. */
  async poll(): Promise<PollOutcome> {
    return { kind: 'failed', failure: { code: 'provider_unavailable', message: 'The provider did not confirm the job; its credits were released.' } };
  }

  pollPlan(): { firstMs: number; maxMs: number } {
    return { firstMs: 1000, maxMs: 5000 };
  }
}

/** A multipart/form-data body built in memory (the reference is at most 10 MiB). */
export function multipart(fields: Record<string, string>, file: { field: string; filename: string; contentType: string; bytes: Buffer }): { body: Buffer; contentType: string } {
  const boundary = `----gateway${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, 'utf8'));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`, 'utf8'));
  parts.push(file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
