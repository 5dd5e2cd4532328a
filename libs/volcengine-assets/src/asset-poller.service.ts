import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { AssetsRepository } from './assets.repository';
import { AssetsService } from './assets.service';
import { type VolcengineAssetsOptions, VOLCENGINE_ASSETS_OPTIONS } from './volcengine-assets.options';

const LEASE_SECONDS = 30;
const BATCH = 50;

/**
 * Polls processing assets until Active, Failed or their deadline. Safe on any number of instances:
 * rows are leased with FOR UPDATE SKIP LOCKED and a next_poll_at pushed past the lease. Runs only
 * when the scheduler is enabled (ROLE all or worker).
 */
@Injectable()
export class AssetPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AssetPoller');
  private running = false;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(VOLCENGINE_ASSETS_OPTIONS) private readonly options: VolcengineAssetsOptions,
    private readonly repository: AssetsRepository,
    private readonly assets: AssetsService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.schedulerEnabled) {
      this.running = true;
      this.loop = this.run();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** One pass: lease what is due, check each, wait for them. Returns how many were checked. */
  async tick(): Promise<number> {
    const due = await this.repository.claimDue(LEASE_SECONDS, BATCH);
    await Promise.all(due.map((row) => this.assets.poll(row).catch((error: unknown) => this.logger.error({ err: error, msg: 'asset poll failed', assetId: row.id }))));
    return due.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let checked = 0;
      try {
        checked = await this.tick();
      } catch (error) {
        this.logger.error({ err: error, msg: 'claiming due assets failed' });
      }
      if (checked === 0 && this.running) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, this.options.pollerIdleMs);
        });
        clearTimeout(this.timer);
        this.wake = undefined;
      }
    }
  }
}
