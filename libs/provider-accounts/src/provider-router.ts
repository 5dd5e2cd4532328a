import { Injectable } from '@nestjs/common';
import { DomainException } from '@app/common';
import { SimulatedAdapter } from './adapters/simulated.adapter';
import type { JobType, Mode, ProviderAdapter } from './provider.port';

/**
 * Chooses the adapter for a job. Test mode always runs on the built-in simulator and never touches
 * the pool; live mode goes to the provider account pool.
 */
@Injectable()
export class ProviderRouter {
  constructor(private readonly simulated: SimulatedAdapter) {}

  /** Called before anything is reserved: 503 when no provider can take a job of this kind now. */
  assertCanAccept(mode: Mode, _type: JobType, _price: number): void {
    if (mode === 'test') {
      return;
    }
    throw new DomainException('unavailable', 'No provider capacity is available for this job right now; nothing was charged. Retry later.');
  }

  adapterFor(job: { mode: Mode; provider: string | null }): ProviderAdapter {
    if (job.mode === 'test') {
      return this.simulated;
    }
    throw new DomainException('unavailable', 'No provider adapter for this job');
  }
}
