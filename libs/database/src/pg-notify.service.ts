import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';

export const PG_NOTIFY_URL = Symbol('PG_NOTIFY_URL');

export type NotifyHandler = (payload: string) => void;

/**
 * Cross-instance signals over PostgreSQL LISTEN/NOTIFY. One dedicated connection listens (and
 * reconnects with backoff); `publish` goes through the caller's transaction, so listeners hear of a
 * change only once it is committed. While the listener is down, `listening` is false and caches
 * that depend on it must not trust themselves; after a reconnect the `reconnect` handlers run,
 * because notifications sent in between were lost.
 */
@Injectable()
export class PgNotifyService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PgNotify');
  private readonly handlers = new Map<string, Set<NotifyHandler>>();
  private readonly reconnectHandlers = new Set<() => void>();
  private client: Client | undefined;
  private connected = false;
  private stopped = false;
  private retryMs = 250;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(PG_NOTIFY_URL) private readonly url: string,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  get listening(): boolean {
    return this.connected;
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    await client?.end().catch(() => undefined);
  }

  /** Calls `handler` with every payload published on `channel` (by any instance, this one included). */
  subscribe(channel: string, handler: NotifyHandler): () => void {
    assertChannel(channel);
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      if (this.connected && this.client) {
        this.client.query(`LISTEN ${channel}`).catch((error: unknown) => this.logger.warn({ err: error, channel }, 'LISTEN failed'));
      }
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  onReconnect(handler: () => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => this.reconnectHandlers.delete(handler);
  }

  /** NOTIFY through `manager` (delivered at its commit) or, without one, at once. */
  async publish(channel: string, payload: string, manager?: EntityManager): Promise<void> {
    assertChannel(channel);
    await (manager ?? this.dataSource.manager).query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /**
   * Runs this instance's handlers now, without waiting for the round trip through PostgreSQL: the
   * instance that made a change sees it in its very next request. Call it after the commit.
   */
  deliverLocally(channel: string, payload: string): void {
    this.dispatch(channel, payload);
  }

  private dispatch(channel: string, payload: string): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        this.logger.error({ err: error, channel }, 'notification handler failed');
      }
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) {
      return;
    }
    const client = new Client({ connectionString: this.url, application_name: 'gateway:listen', keepAlive: true });
    client.on('notification', (message) => this.dispatch(message.channel, message.payload ?? ''));
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'listener connection error');
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) {
        await client.query(`LISTEN ${channel}`);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'listener could not connect; retrying');
      await client.end().catch(() => undefined);
      this.scheduleRetry();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    const wasReconnect = this.client !== undefined || this.retryMs > 250;
    this.client = client;
    this.connected = true;
    this.retryMs = 250;
    if (wasReconnect) {
      for (const handler of this.reconnectHandlers) {
        handler();
      }
    }
  }

  private lost(client: Client): void {
    if (this.client !== client || this.stopped) {
      return;
    }
    this.connected = false;
    this.client = undefined;
    this.retryMs = Math.max(this.retryMs, 500);
    client.end().catch(() => undefined);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) {
      return;
    }
    clearTimeout(this.retryTimer);
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 5000);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }
}

/** Channels are spliced into LISTEN (it takes no parameters), so only plain identifiers. */
function assertChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) {
    throw new Error(`invalid notification channel: ${channel}`);
  }
}
