import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from '../errors/error-codes';

export class FieldErrorDto {
  /** Dotted path of the offending field (`referenceImage.strength`). */
  @ApiProperty() field: string;
  /** What is wrong with it. */
  @ApiProperty() message: string;
}

export class ErrorDetailDto {
  @ApiProperty({ example: 400 }) status: number;
  @ApiProperty({ enum: ERROR_CODES, enumName: 'ErrorCode' }) code: ErrorCode;
  /** Human-readable explanation; never contains secrets or internals. */
  @ApiProperty() message: string;
  /** The request id, also in the `X-Request-Id` header. */
  @ApiProperty({ example: 'req_3kTMd92jfQ0aPzLm1xYb' }) requestId: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) details?: FieldErrorDto[];
  /** With `balance_low`: credits available now. */
  @ApiPropertyOptional({ type: 'integer' }) available?: number;
  /** With `balance_low`: credits the request needs. */
  @ApiPropertyOptional({ type: 'integer' }) required?: number;
}

export class ErrorResponseDto {
  @ApiProperty({ enum: [false] }) ok: false;
  @ApiProperty({ type: ErrorDetailDto }) error: ErrorDetailDto;
}

const DESCRIPTIONS: Partial<Record<number, string>> = {
  400: 'Invalid request: every bad field is listed in `error.details`',
  401: 'Missing or invalid credentials',
  402: 'Not enough available credits',
  403: 'Forbidden',
  404: 'Not found (ids of other customers are not found either)',
  409: 'Conflict',
  413: 'Payload too large',
  429: 'Rate, queue or concurrency limit reached; see `Retry-After`',
  500: 'Internal error',
  503: 'Temporarily unavailable; retry later',
};

const integerHeader = (description: string) => ({ description, schema: { type: 'integer' as const } });

/** What a 429 carries (the RateLimit-* headers are on every answer of a limited route). */
const RATE_LIMITED_HEADERS = {
  'Retry-After': integerHeader('Seconds to wait before retrying'),
  'RateLimit-Limit': integerHeader('Requests allowed per window (per minute unless configured otherwise) for this caller'),
  'RateLimit-Remaining': integerHeader('Requests left in the current window'),
  'RateLimit-Reset': integerHeader('Seconds until the current window resets'),
};

/** Documents the contract's error body for each given code's status (codes sharing one merge). */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ...[...byStatus.entries()].map(([status, list]) =>
      ApiResponse({
        status,
        description: `${DESCRIPTIONS[status] ?? 'Error'} (code: ${list.map((c) => `\`${c}\``).join(', ')})`,
        type: ErrorResponseDto,
        ...(status === 429 ? { headers: RATE_LIMITED_HEADERS } : {}),
      }),
    ),
  );
}
