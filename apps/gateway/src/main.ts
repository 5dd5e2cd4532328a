import 'reflect-metadata';
import { ConfigError, createRootLogger, loadConfig } from '@app/common';
import { createGatewayApp } from './bootstrap';
import { type Runtime, prepareRuntime } from './runtime';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee README.md, "Configuration", for every variable.\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createRootLogger(config.logLevel);
  const say = (line: string) => process.stdout.write(`${line}\n`);

  let runtime: Runtime;
  try {
    runtime = await prepareRuntime(config, (line) => logger.info(line));
  } catch (error) {
    logger.fatal({ err: error }, 'startup failed');
    process.stderr.write(`\nStartup failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }

  const app = await createGatewayApp({ config: runtime.config, databaseUrl: runtime.databaseUrl, logger });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s: exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await app.close();
      await runtime.embedded?.stop();
    } finally {
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const base = runtime.config.publicBaseUrl;
  const lines = [
    '',
    `  credit-gateway is running (ROLE=${config.role}${runtime.embedded ? ', embedded PostgreSQL' : ''})`,
    `  API      ${base}/v1`,
    `  Console  ${base}/admin`,
    `  Docs     ${base}/docs`,
  ];
  if (runtime.generated) {
    lines.push(
      '',
      '  Generated once for development and saved (mode 0600) in ' + runtime.secretsFile + ':',
      `  Operator API key  ${runtime.generated.myPrivateApiKey}`,
      `  Console login     ${runtime.generated.adminEmail} / ${runtime.generated.adminPassword}`,
      '  They will not be printed again.',
    );
  } else if (runtime.secretsFile) {
    lines.push('', `  Development secrets (operator key, console login): ${runtime.secretsFile}`);
  }
  say(lines.join('\n') + '\n');
}

void main();
