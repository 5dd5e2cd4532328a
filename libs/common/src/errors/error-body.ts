import type { ErrorCode, FieldError } from './error-codes';

export interface ErrorBody {
  ok: false;
  error: {
    status: number;
    code: ErrorCode;
    message: string;
    requestId: string;
    details?: FieldError[];
    [extra: string]: unknown;
  };
}
