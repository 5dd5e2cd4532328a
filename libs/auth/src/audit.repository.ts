import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditRecord } from './audit-record';

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager | undefined, record: AuditRecord): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO audit_events (actor, action, target_type, target_id, request_id, summary) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [record.actor, record.action, record.targetType, record.targetId ?? null, record.requestId ?? null, JSON.stringify(record.summary ?? {})],
    );
  }
}
