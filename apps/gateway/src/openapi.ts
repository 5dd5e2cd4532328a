import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRootLogger, loadConfig } from '@app/common';
import { createGatewayApp } from './bootstrap';
import { buildOpenApiDocument } from './openapi.document';

/**
 * Writes the OpenAPI document from the compiled app without a server or a database
 * (Nest's preview mode builds the route metadata without instantiating providers).
 * Usage: node openapi.js [output path | -]
 */
async function main(): Promise<void> {
  const config = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'http://localhost:3000' });
  const logger = createRootLogger('silent');
  const app = await createGatewayApp({ config, databaseUrl: 'postgres://preview@127.0.0.1:1/preview', logger, preview: true });
  const document = buildOpenApiDocument(app);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  const target = process.argv[2] ?? resolve(process.cwd(), 'openapi.json');
  if (target === '-') {
    // Exit only once the pipe has taken everything: the document is larger than a pipe's buffer.
    process.stdout.write(text, () => process.exit(0));
    return;
  }
  writeFileSync(target, text);
  process.stderr.write(`wrote ${target}\n`);
  process.exit(0);
}

void main();
