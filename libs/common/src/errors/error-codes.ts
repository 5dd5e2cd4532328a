/** Every error code of the contract (CONTRACT.md §1) and the HTTP status it maps to. */
export const ERROR_STATUS = {
  invalid_request: 400,
  idempotency_key_missing: 400,
  invalid_api_key: 401,
  unauthenticated: 401,
  invalid_credentials: 401,
  totp_required: 401,
  balance_low: 402,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  idempotency_conflict: 409,
  idempotency_in_progress: 409,
  job_not_ready: 409,
  job_failed: 409,
  job_not_cancelable: 409,
  below_reserved: 409,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export interface FieldError {
  field: string;
  message: string;
}
