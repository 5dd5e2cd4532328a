import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainException } from './domain.exception';
import { ERROR_STATUS, type ErrorCode } from './error-codes';
import type { ErrorBody } from './error-body';

const STATUS_TO_CODE: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  402: 'balance_low',
  403: 'forbidden',
  404: 'not_found',
  405: 'not_found',
  406: 'invalid_request',
  409: 'conflict',
  411: 'invalid_request',
  413: 'payload_too_large',
  414: 'invalid_request',
  415: 'invalid_request',
  422: 'invalid_request',
  429: 'rate_limited',
  431: 'invalid_request',
  503: 'unavailable',
};

const SAFE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  not_found: 'Not found',
  payload_too_large: 'Request body is too large',
  rate_limited: 'Too many requests',
  unavailable: 'Temporarily unavailable, retry later',
  unauthenticated: 'Authentication required',
  forbidden: 'Forbidden',
};

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/**
 * Maps anything thrown into CONTRACT.md §1's body. Domain exceptions keep their message; framework
 * errors (Fastify's content-type and JSON parsing, Nest's HttpException) become the nearest code
 * with a generic message; anything else is an `internal_error` with nothing internal in it.
 */
export function toErrorResponse(exception: unknown, requestId: string, logger?: Logger): ErrorResponse {
  const headers: Record<string, string> = {};
  let status: number;
  let code: ErrorCode;
  let message: string;
  let details: ErrorBody['error']['details'];
  let extra: Record<string, unknown> = {};

  if (exception instanceof DomainException) {
    status = exception.status;
    code = exception.code;
    message = exception.message;
    details = exception.details;
    extra = exception.extra ?? {};
    Object.assign(headers, exception.headers ?? {});
  } else if (exception instanceof HttpException) {
    status = exception.getStatus();
    code = STATUS_TO_CODE[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request');
    if (status === 404) {
      message = 'No such route or resource';
    } else if (status < 500) {
      message = SAFE_MESSAGES[code] ?? 'Invalid request';
      // Nest maps Fastify's own errors (body parsing, limits) to HttpExceptions with the original as cause.
      const cause = exception.cause;
      if (isFastifyClientError(cause)) {
        message = fastifyMessage(cause);
      } else if (status === 400) {
        const response = exception.getResponse();
        const m: unknown = typeof response === 'string' ? response : typeof response === 'object' && response !== null && 'message' in response ? response.message : undefined;
        if (typeof m === 'string' && m.length < 300) {
          message = m;
        }
      }
    } else {
      message = SAFE_MESSAGES[code] ?? 'Internal error';
    }
    if (status >= 500 && status !== 503) {
      status = 500;
      code = 'internal_error';
      message = 'Internal error';
      logger?.error({ err: exception, requestId }, 'unexpected HTTP exception');
    }
  } else if (isFastifyClientError(exception)) {
    status = exception.statusCode;
    code = STATUS_TO_CODE[status] ?? 'invalid_request';
    message = fastifyMessage(exception);
  } else {
    status = 500;
    code = 'internal_error';
    message = 'Internal error';
    logger?.error({ err: exception, requestId }, 'unhandled error');
  }
  if (code === 'internal_error') {
    status = 500;
  }
  // A code always answers with its own status, whatever the source said.
  status = ERROR_STATUS[code] ?? status;

  const body: ErrorBody = {
    ok: false,
    error: { status, code, message, requestId, ...(details && details.length > 0 ? { details } : {}), ...extra },
  };
  return { status, body, headers };
}

interface FastifyClientError {
  statusCode: number;
  code?: string;
  message: string;
}

function isFastifyClientError(e: unknown): e is FastifyClientError {
  if (typeof e !== 'object' || e === null) {
    return false;
  }
  const statusCode = (e as { statusCode?: unknown }).statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}

function fastifyMessage(e: FastifyClientError): string {
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported Content-Type: send application/json';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'Malformed JSON body';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Body is empty but Content-Type is application/json';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'Content-Length does not match the body';
    case undefined:
    default:
      if (e instanceof SyntaxError || /JSON/i.test(e.message)) {
        return 'Malformed JSON body';
      }
      return 'Invalid request';
  }
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const { status, body, headers } = toErrorResponse(exception, String(request.id), this.logger);
    if (reply.sent) {
      return;
    }
    void reply.status(status).headers(headers).type('application/json; charset=utf-8').send(body);
  }
}
