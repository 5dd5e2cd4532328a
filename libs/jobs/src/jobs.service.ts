import { Injectable, Logger } from '@nestjs/common';
import { DomainException, decodeCursor, isId, notFound, toPage } from '@app/common';
import type { Mode } from '@app/provider-accounts';
import { ProviderRouter } from '@app/provider-accounts';
import { StorageService } from '@app/storage';
import type { JobListDto, JobResultDto, JobViewDto, ListJobsQueryDto } from './dto/job.dto';
import { JobRunner } from './job-runner.service';
import { type JobRow, JobsRepository } from './jobs.repository';

const SYNC_AFTER_MS = 3000;
const SYNC_TIMEOUT_MS = 2000;
const RESULT_URL_TTL_SECONDS = 3600;
const CANCEL_WAIT_MS = 2000;

export interface Caller {
  customerId: string;
  mode: Mode;
}

export function toJobView(row: JobRow): JobViewDto {
  return {
    jobId: row.id,
    type: row.type,
    status: row.status,
    chargedCredits: Number(row.price),
    refundedCredits: Number(row.refunded),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    completedAt: row.completedAt ? new Date(row.completedAt).toISOString() : null,
    error: row.status === 'failed' && row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
  };
}

/** The customer's read side: status with synchronize-on-read, lists, results, cancel. */
@Injectable()
export class JobsService {
  private readonly logger = new Logger('JobsService');

  constructor(
    private readonly repository: JobsRepository,
    private readonly runner: JobRunner,
    private readonly router: ProviderRouter,
    private readonly storage: StorageService,
  ) {}

  async get(caller: Caller, jobId: string): Promise<JobViewDto> {
    let row = await this.find(caller, jobId);
    if (this.isStale(row)) {
      await this.synchronize(row.id);
      row = (await this.repository.findById(row.id)) ?? row;
    }
    return toJobView(row);
  }

  async list(caller: Caller, query: ListJobsQueryDto): Promise<JobListDto> {
    const limit = query.limit ?? 20;
    const rows = await this.repository.list({
      customerId: caller.customerId,
      mode: caller.mode,
      status: query.status,
      type: query.type,
      before: decodeCursor(query.cursor),
      limit,
    });
    const page = toPage(rows, limit, (r) => r.id);
    return { ok: true, data: page.data.map(toJobView), nextCursor: page.nextCursor };
  }

  async result(caller: Caller, jobId: string): Promise<JobResultDto> {
    const row = await this.find(caller, jobId);
    if (row.status === 'failed' || row.status === 'canceled') {
      throw new DomainException('job_failed', `This job ${row.status === 'failed' ? 'failed' : 'was canceled'}; it has no result`);
    }
    if (row.status !== 'succeeded' || !row.resultKey) {
      throw new DomainException('job_not_ready', 'This job has not finished yet; poll GET /v1/jobs/{jobId} until it has succeeded', undefined, undefined, {
        'retry-after': '2',
      });
    }
    const signed = this.storage.signedUrl(row.resultKey, RESULT_URL_TTL_SECONDS);
    return { ok: true, jobId: row.id, type: row.type, url: signed.url, contentType: row.resultContentType ?? 'application/octet-stream', expiresAt: signed.expiresAt.toISOString() };
  }

  /**
   * Cancels a job the provider has not started (or can cancel) and releases its reservation. A
   * worker may hold the job for a moment (submitting it, checking it): the cancel waits for that
   * step, briefly, rather than answering 409 to a request that would succeed a few ms later.
   */
  async cancel(caller: Caller, jobId: string): Promise<JobViewDto> {
    const deadline = Date.now() + CANCEL_WAIT_MS;
    for (;;) {
      const row = await this.find(caller, jobId);
      if (row.status !== 'queued' && row.status !== 'processing') {
        throw new DomainException('job_not_cancelable', `This job has already ${row.status}`);
      }
      const view = await this.tryCancel(caller, row);
      if (view) {
        return view;
      }
      if (Date.now() >= deadline) {
        throw new DomainException('job_not_cancelable', 'This job is being processed right now; retry in a moment', undefined, undefined, { 'retry-after': '1' });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** One attempt; undefined while a worker holds the job. */
  private async tryCancel(caller: Caller, row: JobRow): Promise<JobViewDto | undefined> {
    if (row.phase === 'pending_submit') {
      const settled = await this.repository.settle({ jobId: row.id, leaseOwner: null, status: 'canceled', actor: `customer:${caller.customerId}` });
      if (!settled.settled) {
        return undefined;
      }
      this.runner.recordFinished(row, 'canceled', 'release');
      return toJobView((await this.repository.findById(row.id)) ?? row);
    }
    const claimed = await this.repository.claimOne(row.id, this.runner.owner, 30);
    if (!claimed) {
      return undefined;
    }
    const adapter = this.router.adapterFor(claimed);
    const outcome = adapter.cancel ? await adapter.cancel(this.runner.providerJob(claimed), AbortSignal.timeout(SYNC_TIMEOUT_MS)).catch(() => ({ kind: 'not_cancelable' as const })) : { kind: 'not_cancelable' as const };
    if (outcome.kind === 'canceled') {
      const settled = await this.repository.settle({ jobId: row.id, leaseOwner: this.runner.owner, status: 'canceled', actor: `customer:${caller.customerId}` });
      if (settled.settled) {
        this.runner.recordFinished(row, 'canceled', 'release');
      }
      return toJobView((await this.repository.findById(row.id)) ?? row);
    }
    await this.repository.reschedule(row.id, this.runner.owner, 0, false);
    throw new DomainException('job_not_cancelable', 'The provider has started this job and cannot stop it');
  }

  private async find(caller: Caller, jobId: string): Promise<JobRow> {
    const row = isId('job', jobId) ? await this.repository.findForCustomer(caller.customerId, caller.mode, jobId) : undefined;
    if (!row) {
      throw notFound('Job');
    }
    return row;
  }

  private isStale(row: JobRow): boolean {
    if (row.phase !== 'polling' || (row.status !== 'processing' && row.status !== 'queued')) {
      return false;
    }
    const last = row.lastCheckedAt ?? row.submittedAt;
    return last === null || Date.now() - new Date(last).getTime() > SYNC_AFTER_MS;
  }

  /** Checks the provider now through the scheduler's own code path, within a short time limit. */
  private async synchronize(jobId: string): Promise<void> {
    try {
      const claimed = await this.repository.claimOne(jobId, this.runner.owner, 30);
      if (claimed) {
        await this.runner.run(claimed, SYNC_TIMEOUT_MS);
      }
    } catch (error) {
      this.logger.warn({ err: error, jobId, msg: 'synchronize-on-read failed; answering with the stored status' });
    }
  }
}
