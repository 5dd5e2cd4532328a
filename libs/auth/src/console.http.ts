import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Only our own files, no inline script or style, no framing. Images and videos come from our own
 * signed /files links (blob: for previews).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Swagger UI's page carries inline styles; its scripts are files, so scripts stay 'self' only. */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where the console's static files are, from sources (tests, ts-node) or from the build. */
export function consoleRoot(): string | undefined {
  const candidates = [resolve(__dirname, '../console'), resolve(process.cwd(), 'libs/auth/console')];
  return candidates.find((dir) => existsSync(resolve(dir, 'index.html')));
}

/**
 * Cookies, security headers on every answer (helmet; the CSP chosen per path) and the console's
 * static files at /admin/. Call before the app initialises.
 */
export async function installConsole(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: false,
    // Result files are meant to be embedded by customers' own sites.
    crossOriginResourcePolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?')[0];
    void reply.header('content-security-policy', path === '/docs' || path.startsWith('/docs/') ? DOCS_CSP : CONSOLE_CSP);
    if (path === '/admin' || path.startsWith('/admin/')) {
      void reply.header('cross-origin-resource-policy', 'same-origin');
      void reply.header('cache-control', 'no-cache');
    }
    done();
  });
  const root = consoleRoot();
  if (root) {
    await app.register(fastifyStatic, { root, prefix: '/admin/', index: ['index.html'], redirect: false, wildcard: false, decorateReply: false, cacheControl: false });
  }
}
