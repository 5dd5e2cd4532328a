import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig, MetricsService } from '@app/common';
import { JobRunner, LEASE_SECONDS } from './job-runner.service';
import { JobsRepository } from './jobs.repository';

const BATCH = 100;
const MAX_IN_FLIGHT = 256;
const IDLE_MS = 100;
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * The dispatcher and poller. Safe on any number of instances: each tick leases due jobs with
 * FOR UPDATE SKIP LOCKED, runs them outside any transaction with bounded concurrency, and writes
 * back fenced by the lease. Runs only when ROLE is `all` or `worker`.
 */
@Injectable()
export class JobScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JobScheduler');
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: JobsRepository,
    private readonly runner: JobRunner,
    private readonly registry: SchedulerRegistry,
    metrics: MetricsService,
  ) {
    metrics.gauge('scheduler_lag_seconds', 'How long the oldest due job has waited past its next check', [], async function () {
      this.set(await repository.schedulerLagSeconds().catch(() => 0));
    });
    const inFlight = this.inFlight;
    metrics.gauge('scheduler_in_flight_jobs', 'Job steps running in this instance', [], function () {
      this.set(inFlight.size);
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.schedulerEnabled) {
      return;
    }
    this.start();
    const purge = setInterval(() => void this.purge(), PURGE_EVERY_MS);
    purge.unref();
    this.registry.addInterval('purge-idempotency-keys', purge);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.loop = this.run();
    this.logger.log(`scheduler started as ${this.runner.owner}`);
  }

  /** Stops claiming and waits (bounded) for the steps under way; unfinished leases simply expire. */
  async stop(): Promise<void> {
    if (!this.running) {
      return;
    }
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 5000).unref())]);
  }

  /** Runs one claim pass now and waits for its steps (tests drive the scheduler with it). */
  async tick(): Promise<number> {
    const jobs = await this.repository.claimDue(this.runner.owner, LEASE_SECONDS, BATCH);
    await Promise.all(jobs.map((job) => this.runner.run(job)));
    return jobs.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        const room = Math.min(BATCH, MAX_IN_FLIGHT - this.inFlight.size);
        if (room > 0) {
          const jobs = await this.repository.claimDue(this.runner.owner, LEASE_SECONDS, room);
          claimed = jobs.length;
          for (const job of jobs) {
            const step = this.runner.run(job).finally(() => {
              this.inFlight.delete(step);
              this.wake?.();
            });
            this.inFlight.add(step);
          }
        }
      } catch (error) {
        this.logger.error({ err: error, msg: 'claiming due jobs failed' });
        await this.sleep(1000);
        continue;
      }
      if (claimed === 0 || this.inFlight.size >= MAX_IN_FLIGHT) {
        await this.sleep(IDLE_MS);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async purge(): Promise<void> {
    try {
      let total = 0;
      let n: number;
      do {
        n = await this.repository.purgeIdempotencyKeys(24, BATCH * 10);
        total += n;
      } while (n === BATCH * 10);
      if (total > 0) {
        this.logger.log(`purged ${total} idempotency keys older than 24 h`);
      }
    } catch (error) {
      this.logger.warn({ err: error, msg: 'purging idempotency keys failed' });
    }
  }
}
