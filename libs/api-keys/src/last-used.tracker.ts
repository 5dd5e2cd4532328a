import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ApiKeysRepository } from './api-keys.repository';

const FLUSH_EVERY_MS = 3000;

/** Collects key uses in memory and writes `last_used_at` for all of them in one statement every few seconds. */
@Injectable()
export class LastUsedTracker implements OnModuleDestroy {
  private readonly logger = new Logger('ApiKeys');
  private pending = new Map<string, Date>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly repository: ApiKeysRepository) {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  touch(keyId: string): void {
    this.pending.set(keyId, new Date());
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) {
      return;
    }
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.repository.touch(batch);
    } catch (error) {
      this.logger.warn({ err: error, keys: batch.size }, 'could not record key use; will retry');
      for (const [id, at] of batch) {
        if (!this.pending.has(id)) {
          this.pending.set(id, at);
        }
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
