import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigModule, MetricsModule, PinoNestLogger, createFastifyAdapter, createRootLogger, loadConfig } from '@app/common';
import { DatabaseModule } from '@app/database';
import { configureApp } from '../../apps/gateway/src/bootstrap';
import { OpsModule } from '../../apps/gateway/src/ops/ops.module';
import { createTestDatabase } from '../support/database';

class InnerDto {
  @IsIn(['LOW', 'MID', 'HIGH']) strength: string;
}

class ProbeDto {
  @IsString() @MaxLength(10) prompt: string;
  @IsInt() @Min(4) @Max(15) duration: number;
  @ValidateNested() @Type(() => InnerDto) inner: InnerDto;
}

@Controller('probe')
class ProbeController {
  @Post()
  create(@Body() body: ProbeDto): { ok: true; body: ProbeDto } {
    return { ok: true, body };
  }

  @Get('boom')
  boom(): never {
    throw new Error('relation "secret_table" does not exist; password=hunter2');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('the contract skeleton over real HTTP', () => {
  let app: NestFastifyApplication;
  let base: string;
  let drop: () => Promise<void>;
  const logs: string[] = [];

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    const config = loadConfig({ DATABASE_URL: db.url, BODY_LIMIT_BYTES: '2048', LOG_LEVEL: 'info' });
    const logger = createRootLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _e, cb) {
          logs.push(chunk.toString());
          cb();
        },
      }),
    );
    @Module({ imports: [ConfigModule.forRoot(config), MetricsModule, DatabaseModule.forRoot({ url: db.url }), OpsModule, ProbeModule] })
    class Root {}
    app = await NestFactory.create<NestFastifyApplication>(Root, createFastifyAdapter({ logger, bodyLimitBytes: 2048 }), {
      logger: new PinoNestLogger(logger),
    });
    configureApp(app, config);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(base + path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  it('answers an unknown route with 404 not_found in the contract shape', async () => {
    const res = await fetch(`${base}/no/such/route`);
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body).toEqual({ ok: false, error: { status: 404, code: 'not_found', message: expect.any(String), requestId: res.headers.get('x-request-id') } });
  });

  it('answers malformed JSON with 400 invalid_request', async () => {
    const res = await post('/probe', '{"prompt": ');
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ status: 400, code: 'invalid_request', message: 'Malformed JSON body' });
  });

  it('answers a body over the limit with 413 payload_too_large', async () => {
    const res = await post('/probe', JSON.stringify({ prompt: 'x'.repeat(5000) }));
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('answers a wrong content type with 400, not 5xx', async () => {
    const res = await fetch(`${base}/probe`, { method: 'POST', body: 'prompt=x', headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_request');
  });

  it('lists every bad field, nested ones and unknown ones included', async () => {
    const res = await post('/probe', JSON.stringify({ prompt: 42, duration: 99, inner: { strength: 'MAX' }, extra: true }));
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('invalid_request');
    const fields = error.details.map((d: { field: string }) => d.field);
    expect(new Set(fields)).toEqual(new Set(['prompt', 'duration', 'inner.strength', 'extra']));
    expect(error.details.find((d: { field: string }) => d.field === 'extra').message).toBe('unknown field');
  });

  it('accepts a valid body', async () => {
    const res = await post('/probe', JSON.stringify({ prompt: 'hi', duration: 5, inner: { strength: 'LOW' } }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true, body: { prompt: 'hi', duration: 5, inner: { strength: 'LOW' } } });
  });

  it('hides an unexpected error behind a bare 500 and logs it with the request id', async () => {
    const res = await fetch(`${base}/probe/boom`, { headers: { 'x-request-id': 'trace-boom-1' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ ok: false, error: { status: 500, code: 'internal_error', message: 'Internal error', requestId: 'trace-boom-1' } });
    expect(text).not.toMatch(/secret_table|hunter2|stack/);
    expect(logs.some((l) => l.includes('trace-boom-1') && l.includes('secret_table'))).toBe(true);
  });

  it('echoes a sane X-Request-Id and mints one otherwise, on every response', async () => {
    expect((await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'abc-123' } })).headers.get('x-request-id')).toBe('abc-123');
    expect((await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'no spaces allowed' } })).headers.get('x-request-id')).toMatch(/^req_/);
    expect((await fetch(`${base}/nope`)).headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('keeps credentials out of the logs', async () => {
    await fetch(`${base}/healthz`, { headers: { authorization: 'Bearer ak_live_supersecretvalue1234567890abcdef', cookie: '__Host-session=topsecret' } });
    await fetch(`${base}/files/x?sig=abcdefsignature&exp=1`);
    const all = logs.join('\n');
    expect(all).not.toContain('supersecretvalue');
    expect(all).not.toContain('topsecret');
    expect(all).not.toContain('abcdefsignature');
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true, status: 'up' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, status: 'ready' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/http_request_duration_seconds_bucket\{le="[0-9.]+",method="GET",route="\/healthz",status="200"\}/);
    expect(metrics).toContain('process_resident_memory_bytes');
  });
});
