import { Injectable, Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomBase62 } from '@app/common';
import type { PollOutcome, ProviderAdapter, ProviderFailure, ProviderJob, ProviderOutput, SubmitOutcome } from '@app/provider-accounts';
import { ProviderRouter } from '@app/provider-accounts';
import { StorageService } from '@app/storage';
import { JobMetrics } from './job-metrics';
import { type ClaimedJob, JobsRepository } from './jobs.repository';

export const LEASE_SECONDS = 60;
const CALL_TIMEOUT_MS = 150_000;
const MAX_SUBMIT_ATTEMPTS = 5;

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'video/mp4': 'mp4' };

/**
 * Moves one leased job one step: submit, poll, or settle. Shared by the scheduler and by
 * synchronize-on-read, so both follow the same rules. Provider calls happen outside any
 * transaction; every write back is fenced by the lease (`lease_owner = me`).
 */
@Injectable()
export class JobRunner {
  readonly owner = `${hostname()}:${process.pid}:${randomBase62(6)}`;
  private readonly logger = new Logger('JobRunner');

  constructor(
    private readonly repository: JobsRepository,
    private readonly router: ProviderRouter,
    private readonly storage: StorageService,
    private readonly metrics: JobMetrics,
  ) {}

  async run(job: ClaimedJob, timeoutMs = CALL_TIMEOUT_MS): Promise<void> {
    // Long provider calls (GPT Image 2 holds about two minutes) keep their lease alive.
    const renew = setInterval(() => {
      this.repository.renewLease(job.id, this.owner, LEASE_SECONDS).catch((error: unknown) => this.logger.warn({ err: error, jobId: job.id, msg: 'lease renewal failed' }));
    }, (LEASE_SECONDS * 1000) / 3);
    renew.unref();
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      if (job.expired) {
        await this.fail(job, { code: 'timeout', message: 'The job did not finish before its deadline; its credits were released.' });
        return;
      }
      const adapter = this.router.adapterFor(job);
      switch (job.phase) {
        case 'pending_submit':
          await this.submit(job, adapter, signal);
          return;
        case 'polling':
          await this.poll(job, adapter, signal);
          return;
        case 'submission_unknown':
          // The provider may or may not have the task and cannot be asked without its id: the
          // customer is refunded, and the event log keeps the doubt for the operator.
          await this.fail(job, { code: 'provider_unavailable', message: 'The provider did not confirm the job; its credits were released.' });
          return;
        case 'done':
          return;
      }
    } catch (error) {
      this.logger.error({ err: error, jobId: job.id, msg: 'job step failed; retrying later' });
      await this.repository.reschedule(job.id, this.owner, this.backoff(job.attempts, 1000, 30_000), true).catch(() => undefined);
    } finally {
      clearInterval(renew);
    }
  }

  private async submit(claimed: ClaimedJob, adapter: ProviderAdapter, signal: AbortSignal): Promise<void> {
    let job = claimed;
    if (job.mode === 'live') {
      // Nothing has reached a provider yet, so a job whose account went bad may move to another.
      const accountId = await this.router.accountForSubmit(job);
      if (accountId === null) {
        if (job.attempts + 1 >= MAX_SUBMIT_ATTEMPTS) {
          await this.fail(job, { code: 'provider_unavailable', message: 'No provider account could take the job; it was not started and its credits were released.' });
          return;
        }
        await this.repository.reschedule(job.id, this.owner, this.backoff(job.attempts, 1000, 30_000), true);
        return;
      }
      if (accountId !== job.providerAccountId) {
        if (!(await this.repository.assignAccount(job.id, this.owner, accountId, `account ${job.providerAccountId ?? 'none'} cannot take calls`))) {
          return;
        }
        job = { ...job, providerAccountId: accountId };
      }
    }
    const outcome: SubmitOutcome = await adapter.submit(this.providerJob(job), signal);
    this.metrics.providerCalls.inc({ provider: adapter.name, call: 'submit', outcome: outcome.kind });
    switch (outcome.kind) {
      case 'accepted':
        await this.repository.markSubmitted(job.id, this.owner, outcome.taskId, adapter.name, adapter.pollPlan(this.providerJob(job)).firstMs);
        return;
      case 'completed':
        await this.complete(job, outcome.output, new Date());
        return;
      case 'failed':
        await this.fail(job, outcome.failure);
        return;
      case 'transient':
        if (outcome.local) {
          await this.repository.reschedule(job.id, this.owner, outcome.retryAfterMs ?? 500, 'keep');
          return;
        }
        if (job.attempts + 1 >= MAX_SUBMIT_ATTEMPTS) {
          await this.fail(job, { code: 'provider_unavailable', message: 'The provider is unavailable; the job was not started and its credits were released.' });
          return;
        }
        await this.repository.reschedule(job.id, this.owner, outcome.retryAfterMs ?? this.backoff(job.attempts, 1000, 30_000), true);
        return;
      case 'unknown':
        await this.repository.markSubmissionUnknown(job.id, this.owner, outcome.reason);
        return;
    }
  }

  private async poll(job: ClaimedJob, adapter: ProviderAdapter, signal: AbortSignal): Promise<void> {
    const outcome: PollOutcome = await adapter.poll(this.providerJob(job), signal);
    this.metrics.providerCalls.inc({ provider: adapter.name, call: 'poll', outcome: outcome.kind });
    switch (outcome.kind) {
      case 'processing': {
        if (outcome.unfamiliar) {
          this.metrics.unknownStatuses.inc({ provider: adapter.name });
          this.logger.warn({ jobId: job.id, providerStatus: outcome.providerStatus, msg: 'provider answered an unfamiliar status; still polling' });
        }
        const plan = adapter.pollPlan(this.providerJob(job));
        const delay = outcome.nextCheckMs ?? this.backoff(job.polls, plan.firstMs, plan.maxMs);
        await this.repository.reschedule(job.id, this.owner, Math.min(delay, plan.maxMs * 4), false);
        return;
      }
      case 'transient':
        await this.repository.reschedule(job.id, this.owner, outcome.retryAfterMs ?? this.backoff(job.attempts, 1000, 30_000), outcome.local ? 'keep' : true);
        return;
      case 'completed':
        await this.complete(job, outcome.output, outcome.completedAt ?? new Date());
        return;
      case 'failed':
        await this.fail(job, outcome.failure);
        return;
    }
  }

  /** The output is in our storage before the job is marked succeeded (and the credits captured). */
  private async complete(job: ClaimedJob, output: ProviderOutput, providerCompletedAt: Date): Promise<void> {
    let stored: { key: string; contentType: string; bytes: number };
    if (output.kind === 'bytes') {
      const key = `results/${job.id}.${EXTENSIONS[output.contentType] ?? 'bin'}`;
      const info = await this.storage.put(key, output.bytes, { contentType: output.contentType, contentLength: output.bytes.length });
      stored = { key, contentType: output.contentType, bytes: info.size };
    } else {
      const opened = await output.open();
      const key = `results/${job.id}.${EXTENSIONS[opened.contentType] ?? 'bin'}`;
      const info = await this.storage.put(key, opened.body, { contentType: opened.contentType, contentLength: opened.contentLength });
      stored = { key, contentType: opened.contentType, bytes: info.size };
    }
    const result = await this.repository.settle({
      jobId: job.id,
      leaseOwner: this.owner,
      status: 'succeeded',
      resultKey: stored.key,
      resultContentType: stored.contentType,
      resultBytes: stored.bytes,
      actor: `job:${job.id}`,
      providerCompletedAt,
    });
    if (result.settled) {
      this.router.settled(job);
      this.recordFinished(job, 'succeeded', 'capture');
      this.metrics.settlementLag.observe({ mode: job.mode }, Math.max(0, (Date.now() - providerCompletedAt.getTime()) / 1000));
    }
  }

  async fail(job: ClaimedJob, failure: ProviderFailure): Promise<void> {
    const result = await this.repository.settle({
      jobId: job.id,
      leaseOwner: this.owner,
      status: 'failed',
      errorCode: failure.code,
      errorMessage: failure.message,
      actor: `job:${job.id}`,
    });
    if (result.settled) {
      this.router.settled(job);
      this.recordFinished(job, 'failed', 'release');
    }
  }

  recordFinished(job: { type: string; mode: string; createdAt: Date }, status: string, kind: 'capture' | 'release'): void {
    this.metrics.finished.inc({ type: job.type, mode: job.mode, status });
    this.metrics.settlements.inc({ kind });
    this.metrics.duration.observe({ type: job.type, mode: job.mode, status }, (Date.now() - new Date(job.createdAt).getTime()) / 1000);
  }

  providerJob(job: ClaimedJob): ProviderJob {
    return {
      id: job.id,
      mode: job.mode,
      request: job.request,
      providerTaskId: job.providerTaskId,
      providerAccountId: job.providerAccountId,
      submittedAt: job.submittedAt ? new Date(job.submittedAt) : null,
      attempts: job.attempts,
    };
  }

  /** Exponential back-off with ±20 % jitter, so many jobs do not poll in lockstep. */
  private backoff(step: number, firstMs: number, maxMs: number): number {
    const base = Math.min(maxMs, firstMs * Math.pow(1.5, Math.min(step, 30)));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}
