import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditRecord } from './audit-record';
import { AuditRepository } from './audit.repository';

export type { AuditRecord } from './audit-record';

/** Append-only audit trail of operator changes; pass the change's transaction so both commit together. */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  record(manager: EntityManager | undefined, record: AuditRecord): Promise<void> {
    return this.repository.insert(manager, record);
  }
}
