import { Injectable } from '@nestjs/common';
import { newId, notFound, isId } from '@app/common';
import { OPERATOR_TEST_CUSTOMER_ID } from '@app/database';
import { AuditService, type RequestContext } from '@app/auth';
import { type GenerationRequest, ProviderAccountsService } from '@app/provider-accounts';
import { StorageService } from '@app/storage';
import type { TestGenerationDto, TestGenerationJobDto } from './dto/test-generation.dto';
import { JobMetrics } from './job-metrics';
import { type JobRow, JobsRepository } from './jobs.repository';

const DEADLINE_SECONDS = { image: 15 * 60, video: 60 * 60 } as const;
const RESULT_URL_TTL_SECONDS = 3600;

/**
 * Operator test generations: a real job on one named account, run by the ordinary scheduler and
 * runner, owned by the reserved system customer (suspended, so it can never hold a usable key) at
 * price 0 — charged to no customer, yet visible with every other job, its events and its result.
 */
@Injectable()
export class TestGenerationService {
  constructor(
    private readonly repository: JobsRepository,
    private readonly accounts: ProviderAccountsService,
    private readonly audit: AuditService,
    private readonly storage: StorageService,
    private readonly metrics: JobMetrics,
  ) {}

  async start(accountId: string, dto: TestGenerationDto, ctx: RequestContext): Promise<TestGenerationJobDto> {
    const account = await this.accounts.requireGenerationAccount(accountId);
    const request: GenerationRequest =
      dto.type === 'image'
        ? { type: 'image', prompt: dto.prompt, size: dto.size ?? '1:1_SMALL', quality: dto.quality ?? 'LOW', pinAccount: true }
        : { type: 'video', prompt: dto.prompt, size: dto.size ?? '1:1_SMALL', duration: dto.duration ?? 5, motionHasAudio: dto.motionHasAudio ?? false, pinAccount: true };
    const jobId = newId('job');
    const result = await this.repository.create({
      customerId: OPERATOR_TEST_CUSTOMER_ID,
      mode: 'live',
      apiKeyId: null,
      idempotencyKey: `test-generation:${jobId}`,
      fingerprint: jobId,
      jobId,
      type: dto.type,
      request,
      price: 0,
      status: 'processing',
      maxActive: 1_000_000,
      maxQueued: 1_000_000,
      deadlineSeconds: DEADLINE_SECONDS[dto.type],
      requestId: ctx.requestId,
      provider: account.provider,
      providerAccountId: account.id,
    });
    if (result.outcome !== 'created') {
      throw new Error(`test generation was not created: ${result.outcome}`);
    }
    this.metrics.created.inc({ type: dto.type, mode: 'live' });
    await this.audit.record(undefined, {
      actor: ctx.actor,
      action: 'provider_account.test_generation',
      targetType: 'provider_account',
      targetId: account.id,
      requestId: ctx.requestId,
      summary: { jobId, type: dto.type },
    });
    return this.view((await this.repository.findById(jobId))!);
  }

  async get(accountId: string, jobId: string): Promise<TestGenerationJobDto> {
    const row = isId('job', jobId) ? await this.repository.findById(jobId) : undefined;
    if (!row || row.customerId !== OPERATOR_TEST_CUSTOMER_ID || row.providerAccountId !== accountId) {
      throw notFound('Test generation');
    }
    return this.view(row);
  }

  private view(row: JobRow): TestGenerationJobDto {
    return {
      jobId: row.id,
      type: row.type,
      status: row.status,
      providerAccountId: row.providerAccountId ?? '',
      providerTaskId: row.providerTaskId,
      error: row.status === 'failed' && row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
      resultUrl: row.status === 'succeeded' && row.resultKey ? this.storage.signedUrl(row.resultKey, RESULT_URL_TTL_SECONDS).url : null,
      createdAt: new Date(row.createdAt).toISOString(),
      completedAt: row.completedAt ? new Date(row.completedAt).toISOString() : null,
    };
  }
}
