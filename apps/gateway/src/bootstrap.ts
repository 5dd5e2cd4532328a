import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger as PinoLogger } from 'pino';
import {
  AllExceptionsFilter,
  type AppConfig,
  MetricsService,
  PinoNestLogger,
  createFastifyAdapter,
  installHttpHooks,
  validationExceptionFactory,
} from '@app/common';
import { installConsole } from '@app/auth';
import { AppModule } from './app.module';
import { buildOpenApiDocument } from './openapi.document';

export interface GatewayAppOptions {
  config: AppConfig;
  databaseUrl: string;
  logger: PinoLogger;
  /** Build the module graph without instantiating providers (no database): for the OpenAPI script. */
  preview?: boolean;
}

const WORKER_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

export async function createGatewayApp(options: GatewayAppOptions): Promise<NestFastifyApplication> {
  const { config, logger } = options;
  const adapter = createFastifyAdapter({ logger, bodyLimitBytes: config.bodyLimitBytes });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ config, databaseUrl: options.databaseUrl }), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    preview: options.preview ?? false,
  });
  if (!options.preview) {
    await installConsole(app);
  }
  configureApp(app, config, { preview: options.preview });
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml', customSiteTitle: 'Credit gateway API' });
  return app;
}

/** What every instance of the app gets, whatever its modules: error contract, validation, hooks, ROLE. */
export function configureApp(app: NestFastifyApplication, config: AppConfig, options: { preview?: boolean } = {}): void {
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: validationExceptionFactory,
    }),
  );
  const fastify = app.getHttpAdapter().getInstance();
  if (!options.preview) {
    installHttpHooks(fastify, app.get(MetricsService));
  }
  if (config.role === 'worker') {
    // A worker serves health and metrics only.
    fastify.addHook('onRequest', (request, reply, done) => {
      if (!WORKER_ROUTES.has(request.url.split('?')[0])) {
        void reply.status(404).send({
          ok: false,
          error: { status: 404, code: 'not_found', message: 'This instance runs ROLE=worker: only /healthz, /readyz and /metrics', requestId: String(request.id) },
        });
        return;
      }
      done();
    });
  }
}
