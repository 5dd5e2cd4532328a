import { FastifyAdapter } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { REQUEST_ID_PATTERN, newRequestId } from '../ids';
import type { MetricsService } from '../metrics';
import { toErrorResponse } from '../errors/all-exceptions.filter';

export interface FastifyAdapterOptions {
  logger: PinoLogger;
  bodyLimitBytes: number;
}

/** Echo a sane client `X-Request-Id`; otherwise mint `req_…`. */
export function requestIdFor(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && REQUEST_ID_PATTERN.test(value) ? value : newRequestId();
}

export function createFastifyAdapter(options: FastifyAdapterOptions): FastifyAdapter {
  return new FastifyAdapter({
    loggerInstance: options.logger,
    // One access line per request comes from our onResponse hook instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => requestIdFor(req.headers['x-request-id']),
    requestIdHeader: false,
    trustProxy: true,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors Fastify raises before routing (an over-long path parameter, a malformed URL) answer
    // in the contract's shape too, not Fastify's default body.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const { status, body, headers } = toErrorResponse(error, String(request.id));
      void reply.status(status).headers({ ...headers, 'x-request-id': String(request.id) }).type('application/json; charset=utf-8').send(body);
    },
  });
}

/**
 * Hooks every instance needs: the request id header on every answer, an access log line, the
 * latency histogram by route pattern. (Errors raised by Fastify itself, such as body parsing and
 * size limits, reach Nest's exception layer and so our global filter.)
 */
export function installHttpHooks(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', String(request.id));
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, seconds);
    request.log.info(
      { method: request.method, route, url: redactUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request',
    );
    done();
  });
}

/** Result links carry a signature in the query string, and clients misplace keys there: keep both out of logs. */
export function redactUrl(url: string): string {
  return url
    .replace(/([?&](?:[A-Za-z0-9]*[_-])?(?:sig|signature|token|key)=)[^&]*/gi, '$1[redacted]')
    .replace(/ak_(live|test)_[0-9A-Za-z]+/g, 'ak_$1_[redacted]');
}
