import { ERROR_STATUS, type ErrorCode, type FieldError } from './error-codes';

/**
 * What services throw: a contract error code, a safe message, and optionally the bad fields and
 * extra body members (e.g. `available`/`required` for `balance_low`). Never an HTTP exception.
 */
export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
    readonly extra?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'DomainException';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new DomainException('not_found', `${what} not found`);

export const invalidRequest = (field: string, message: string) =>
  new DomainException('invalid_request', `Invalid ${field}: ${message}`, [{ field, message }]);
