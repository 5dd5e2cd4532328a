import { Injectable } from '@nestjs/common';
import { decodeCursor, isId, notFound, toPage } from '@app/common';
import { StorageService } from '@app/storage';
import type { JobCountsDto, OperatorJobDetailDto, OperatorJobListDto, OperatorJobsQueryDto, OperatorJobViewDto, OverviewDto } from './dto/operator-job.dto';
import { JOB_STATUSES } from './dto/job.dto';
import { type JobRow, JobsRepository } from './jobs.repository';
import { toJobView } from './jobs.service';
import { OperatorJobsRepository } from './operator-jobs.repository';

const RESULT_URL_TTL_SECONDS = 900;

function toOperatorView(row: JobRow): OperatorJobViewDto {
  return {
    ...toJobView(row),
    customerId: row.customerId,
    mode: row.mode,
    provider: row.provider,
    providerAccountId: row.providerAccountId,
    providerTaskId: row.providerTaskId,
  };
}

/** Jobs of every customer, as operators see them: provider placement, timeline, result preview; never credentials. */
@Injectable()
export class OperatorJobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly aggregates: OperatorJobsRepository,
    private readonly storage: StorageService,
  ) {}

  async list(query: OperatorJobsQueryDto): Promise<OperatorJobListDto> {
    const limit = query.limit ?? 20;
    const rows = await this.jobs.list({ customerId: query.customerId, mode: query.mode, status: query.status, type: query.type, before: decodeCursor(query.cursor), limit });
    const page = toPage(rows, limit, (r) => r.id);
    return { ok: true, data: page.data.map(toOperatorView), nextCursor: page.nextCursor };
  }

  async get(jobId: string): Promise<OperatorJobDetailDto> {
    const row = isId('job', jobId) ? await this.jobs.findById(jobId) : undefined;
    if (!row) {
      throw notFound('Job');
    }
    const events = await this.jobs.events(row.id);
    const signed = row.status === 'succeeded' && row.resultKey ? this.storage.signedUrl(row.resultKey, RESULT_URL_TTL_SECONDS) : undefined;
    return {
      ...toOperatorView(row),
      prompt: row.request.prompt,
      size: row.request.size,
      polls: row.polls,
      submittedAt: row.submittedAt ? new Date(row.submittedAt).toISOString() : null,
      events: events.map((e) => ({ kind: e.kind, detail: e.detail, createdAt: new Date(e.createdAt).toISOString() })),
      result: signed ? { url: signed.url, contentType: row.resultContentType ?? 'application/octet-stream', expiresAt: signed.expiresAt.toISOString() } : null,
    };
  }

  async overview(): Promise<OverviewDto> {
    const [credits, counts, lag] = await Promise.all([this.aggregates.creditTotals(), this.aggregates.jobCountsSince(24), this.jobs.schedulerLagSeconds()]);
    const balance = (mode: 'live' | 'test') => {
      const row = credits.find((c) => c.mode === mode);
      const b = Number(row?.balance ?? 0);
      const r = Number(row?.reserved ?? 0);
      return { balance: b, reserved: r, available: Math.max(0, b - r) };
    };
    const jobsLast24h = Object.fromEntries(JOB_STATUSES.map((s) => [s, Number(counts.find((c) => c.status === s)?.n ?? 0)])) as unknown as JobCountsDto;
    return { ok: true, credits: { live: balance('live'), test: balance('test') }, jobsLast24h, schedulerLagSeconds: Math.round(lag * 10) / 10, at: new Date().toISOString() };
  }
}
