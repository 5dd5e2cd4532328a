import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditRepository } from './audit.repository';

export interface AuditRecord {
  /** Who: `operator:key`, `operator:<id>`, `system`. */
  actor: string;
  /** What, as `<noun>.<verb>`: `customer.created`, `api_key.revoked`. */
  action: string;
  targetType: string;
  targetId?: string | null;
  requestId?: string | null;
  /** A safe description of the change: field names and non-secret values, never key material. */
  summary?: Record<string, unknown>;
}

/** Append-only audit trail of operator changes; pass the change's transaction so both commit together. */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  record(manager: EntityManager | undefined, record: AuditRecord): Promise<void> {
    return this.repository.insert(manager, record);
  }
}
