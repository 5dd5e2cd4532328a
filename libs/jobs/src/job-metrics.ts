import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { MetricsService } from '@app/common';

@Injectable()
export class JobMetrics {
  readonly created: Counter<'type' | 'mode'>;
  readonly finished: Counter<'type' | 'mode' | 'status'>;
  readonly settlements: Counter<'kind'>;
  readonly duration: Histogram<'type' | 'mode' | 'status'>;
  readonly settlementLag: Histogram<'mode'>;
  readonly providerCalls: Counter<'provider' | 'call' | 'outcome'>;
  readonly unknownStatuses: Counter<'provider'>;
  readonly replays: Counter<'outcome'>;

  constructor(metrics: MetricsService) {
    this.created = metrics.counter('jobs_created_total', 'Jobs created', ['type', 'mode']);
    this.finished = metrics.counter('jobs_finished_total', 'Jobs that reached a terminal status', ['type', 'mode', 'status']);
    this.settlements = metrics.counter('job_settlements_total', 'Settlements by kind (capture or release)', ['kind']);
    this.duration = metrics.histogram('job_duration_seconds', 'Time from creation to a terminal status', ['type', 'mode', 'status'], [
      0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
    ]);
    this.settlementLag = metrics.histogram('job_settlement_lag_seconds', 'Time from provider completion to settlement', ['mode'], [
      0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30,
    ]);
    this.providerCalls = metrics.counter('provider_calls_total', 'Calls to providers by outcome', ['provider', 'call', 'outcome']);
    this.unknownStatuses = metrics.counter('provider_unknown_status_total', 'Polls that returned a status we do not know', ['provider']);
    this.replays = metrics.counter('idempotency_outcomes_total', 'Generate requests answered from an existing idempotency key', ['outcome']);
  }
}
