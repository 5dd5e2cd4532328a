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
