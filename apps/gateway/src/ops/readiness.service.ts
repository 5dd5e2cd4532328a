import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainException } from '@app/common';
import { pendingMigrations } from '@app/database';
import type { ReadinessDto } from './ops.dto';

@Injectable()
export class ReadinessService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async check(): Promise<ReadinessDto> {
    const started = performance.now();
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), 2000);
    } catch {
      throw new DomainException('unavailable', 'Database unreachable');
    }
    const databaseMs = Math.round((performance.now() - started) * 10) / 10;
    const pending = await pendingMigrations(this.dataSource);
    if (pending.length > 0) {
      throw new DomainException('unavailable', `Migrations not applied: ${pending.join(', ')}`);
    }
    return { ok: true, status: 'ready', databaseMs };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
