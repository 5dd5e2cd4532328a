import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, DomainException, newId } from '@app/common';
import type { CustomerPrincipal } from '@app/api-keys';
import { PlansService } from '@app/customers';
import { type DecodedImage, MediaService } from '@app/media';
import type { GenerationRequest } from '@app/provider-accounts';
import { ProviderRouter } from '@app/provider-accounts';
import { StorageService } from '@app/storage';
import { AssetsService } from '@app/volcengine-assets';
import type { GenerateAcceptedDto, JobTypeName } from './dto/job.dto';
import type { GenerateImageDto, GenerateVideoDto } from './dto/generate.dto';
import { JobMetrics } from './job-metrics';
import { JobsRepository } from './jobs.repository';
import { priceOf } from './pricing';

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;
const DEADLINE_SECONDS: Record<JobTypeName, number> = { image: 15 * 60, video: 60 * 60 };
const PLAN_TTL_MS = 2000;
const REF_EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

export interface GenerateResult {
  body: GenerateAcceptedDto;
  replayed: boolean;
}

/**
 * The generate use case: validate, price, check provider capacity, take in the reference image,
 * then one database call that claims the idempotency key, enforces the plan's limits, reserves the
 * credits and inserts the job. Nothing is reserved or kept when any step before the job fails.
 */
@Injectable()
export class GenerateService {
  private readonly plans = new Map<string, { limits: { maxActive: number; maxQueued: number }; expires: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: JobsRepository,
    private readonly router: ProviderRouter,
    private readonly media: MediaService,
    private readonly storage: StorageService,
    private readonly plansService: PlansService,
    private readonly metrics: JobMetrics,
    private readonly assets: AssetsService,
  ) {}

  image(principal: CustomerPrincipal, dto: GenerateImageDto, idempotencyKey: string | undefined, requestId: string): Promise<GenerateResult> {
    const request: GenerationRequest = { type: 'image', prompt: dto.prompt, quality: dto.quality ?? 'LOW', size: dto.size ?? '1:1_SMALL' };
    const price = priceOf({ type: 'image', quality: request.quality! }, principal.planCode, this.config.pricing);
    return this.generate(principal, request, dto.referenceImage, undefined, price, idempotencyKey, requestId);
  }

  video(principal: CustomerPrincipal, dto: GenerateVideoDto, idempotencyKey: string | undefined, requestId: string): Promise<GenerateResult> {
    const request: GenerationRequest = {
      type: 'video',
      prompt: dto.prompt,
      size: dto.size ?? '1:1_SMALL',
      duration: dto.duration ?? 5,
      motionHasAudio: dto.motionHasAudio ?? false,
    };
    const price = priceOf({ type: 'video', duration: request.duration!, motionHasAudio: request.motionHasAudio! }, principal.planCode, this.config.pricing);
    return this.generate(principal, request, dto.referenceImage, dto.assetIds, price, idempotencyKey, requestId);
  }

  private async generate(
    principal: CustomerPrincipal,
    request: GenerationRequest,
    reference: GenerateImageDto['referenceImage'],
    assetIds: string[] | undefined,
    price: number,
    idempotencyKey: string | undefined,
    requestId: string,
  ): Promise<GenerateResult> {
    const key = checkIdempotencyKey(idempotencyKey);
    if (/asset:\/\/|\bast_[0-9A-Za-z]{24}\b/.test(request.prompt)) {
      throw new DomainException('invalid_request', 'Refer to assets in the prompt as "Image 1", "Image 2", … in the order of assetIds, never by their id', [
        { field: 'prompt', message: 'contains an asset id: write "Image 1", "Image 2", … instead' },
      ]);
    }
    if (assetIds !== undefined && assetIds.length > 0) {
      // The caller's own, active, one Volcengine account: checked before anything is reserved.
      const resolved = await this.assets.resolveForVideo(principal, assetIds);
      request.assets = resolved.assets;
      request.volcengineAccountId = resolved.volcengineAccountId;
    }
    const fingerprint = fingerprintOf(request, reference, assetIds);
    // The account is chosen before anything is reserved or uploaded (503 when none can take the job).
    const route = await this.router.assertCanAccept(principal.mode, request.type, price, { volcengineAccountId: request.volcengineAccountId });

    const jobId = newId('job');
    let referenceKey: string | undefined;
    if (reference) {
      const image: DecodedImage = await this.media.decodeReferenceImage(reference);
      referenceKey = `refs/${jobId}.${REF_EXT[image.contentType] ?? 'bin'}`;
      await this.storage.put(referenceKey, image.bytes, { contentType: image.contentType, contentLength: image.bytes.length });
      request.reference = { objectKey: referenceKey, contentType: image.contentType, strength: reference.strength, width: image.width, height: image.height };
    }

    const limits = await this.planLimits(principal.planCode);
    const result = await this.repository
      .create({
        customerId: principal.customerId,
        mode: principal.mode,
        apiKeyId: principal.keyId,
        idempotencyKey: key,
        fingerprint,
        jobId,
        type: request.type,
        request,
        price,
        status: 'processing',
        maxActive: limits.maxActive,
        maxQueued: limits.maxQueued,
        deadlineSeconds: principal.mode === 'test' ? this.config.testModeDeadlineSeconds : DEADLINE_SECONDS[request.type],
        requestId,
        provider: route?.provider ?? null,
        providerAccountId: route?.accountId ?? null,
      })
      .catch(async (error: unknown) => {
        await this.discard(referenceKey);
        throw error;
      });

    if (result.outcome !== 'created') {
      await this.discard(referenceKey);
    }
    switch (result.outcome) {
      case 'created':
        this.metrics.created.inc({ type: request.type, mode: principal.mode });
        return { replayed: false, body: { ok: true, jobId: result.jobId, status: result.status, type: request.type, chargedCredits: result.price } };
      case 'replay':
        this.metrics.replays.inc({ outcome: 'replay' });
        return { replayed: true, body: { ok: true, jobId: result.jobId, status: result.status, type: request.type, chargedCredits: result.price } };
      case 'conflict':
        this.metrics.replays.inc({ outcome: 'conflict' });
        throw new DomainException('idempotency_conflict', 'This Idempotency-Key was already used with a different request body; use a new key for a new request');
      case 'in_progress':
        throw new DomainException('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly', undefined, undefined, {
          'retry-after': '1',
        });
      case 'rate_limited':
        throw new DomainException(
          'rate_limited',
          `Your plan allows ${limits.maxActive} jobs in flight at once; wait for one to finish`,
          undefined,
          { limit: limits.maxActive },
          { 'retry-after': '5' },
        );
      case 'balance_low':
        throw new DomainException('balance_low', `This job needs ${result.price} credits; ${result.available} are available`, undefined, {
          available: result.available,
          required: result.price,
        });
    }
  }

  private async discard(key: string | undefined): Promise<void> {
    if (key !== undefined) {
      await this.storage.delete(key).catch(() => undefined);
    }
  }

  /** Plans change rarely; a short cache keeps them off the hot path and lets changes land within seconds. */
  private async planLimits(code: string): Promise<{ maxActive: number; maxQueued: number }> {
    const cached = this.plans.get(code);
    if (cached && cached.expires > Date.now()) {
      return cached.limits;
    }
    const plan = await this.plansService.get(code);
    const limits = { maxActive: plan.maxConcurrentJobs, maxQueued: plan.maxQueuedJobs };
    this.plans.set(code, { limits, expires: Date.now() + PLAN_TTL_MS });
    return limits;
  }
}

function checkIdempotencyKey(value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new DomainException('idempotency_key_missing', 'The Idempotency-Key header is required on generate requests (1–255 printable ASCII characters)', [
      { field: 'Idempotency-Key', message: 'missing' },
    ]);
  }
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new DomainException('invalid_request', 'Idempotency-Key must be 1–255 printable ASCII characters', [
      { field: 'Idempotency-Key', message: 'must be 1–255 printable ASCII characters' },
    ]);
  }
  return value;
}

/** The canonical payload: defaults applied, so a request that spells out a default is the same request. */
function fingerprintOf(request: GenerationRequest, reference: GenerateImageDto['referenceImage'], assetIds: string[] | undefined): string {
  const digest = (v: string) => createHash('sha256').update(v).digest('base64url');
  const canonical = {
    type: request.type,
    prompt: request.prompt,
    size: request.size,
    quality: request.quality ?? null,
    duration: request.duration ?? null,
    motionHasAudio: request.motionHasAudio ?? null,
    reference: reference
      ? {
          source: reference.imageUrl !== undefined ? 'url' : reference.dataUrl !== undefined ? 'data' : 'base64',
          digest: digest(reference.imageUrl ?? reference.dataUrl ?? reference.base64 ?? ''),
          strength: reference.strength,
        }
      : null,
    assetIds: assetIds ?? [],
  };
  return digest(JSON.stringify(canonical));
}
