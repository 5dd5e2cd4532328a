import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export const SECURITY = {
  customerKey: 'customerKey',
  operatorKey: 'operatorKey',
  consoleSession: 'consoleSession',
} as const;

/** The published contract, built from the controllers and DTOs. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Credit gateway API')
    .setDescription(
      [
        'Credit-metered image (GPT Image 2) and video (Seedance 2.0 Fast) generation.',
        '',
        '* **Customer API** (`/v1`): `Authorization: Bearer ak_live_…` or `ak_test_…`. Test keys run on the built-in simulator against a separate test balance.',
        '* **Operator API** (`/api`): `Authorization: Bearer <MY_PRIVATE_API_KEY>`, or the console session cookie plus `X-CSRF-Token` on state-changing requests.',
        '',
        'Every error has the shape `{ ok: false, error: { status, code, message, requestId, details? } }`. Every response carries `X-Request-Id`.',
      ].join('\n'),
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'ak_live_… / ak_test_…', description: 'Customer API key' }, SECURITY.customerKey)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Operator key (MY_PRIVATE_API_KEY)' }, SECURITY.operatorKey)
    .addCookieAuth('__Host-session', { type: 'apiKey', in: 'cookie', name: '__Host-session', description: 'Console session (send X-CSRF-Token on changes)' }, SECURITY.consoleSession)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  return sortKeys(document) as OpenAPIObject;
}

/** Stable key order, so the committed file only changes when the contract does. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      out[key] = sortKeys((value as Record<string, unknown>)[key]);
    }
    return out;
  }
  return value;
}
