import { Controller, Get, Header, HttpCode } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { MetricsService } from '@app/common';
import { ReadinessService } from './readiness.service';
import { HealthDto, ReadinessDto } from './ops.dto';

@ApiTags('Operations')
@Controller()
export class OpsController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly metrics: MetricsService,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('healthz')
  @ApiOperation({ operationId: 'getHealth', summary: 'Liveness probe' })
  @ApiOkResponse({ type: HealthDto })
  health(): HealthDto {
    return { ok: true, status: 'up' };
  }

  /** The database answers and every migration of this build is applied. */
  @Get('readyz')
  @ApiOperation({ operationId: 'getReadiness', summary: 'Readiness probe: database reachable, migrations applied' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiErrors('unavailable')
  ready(): Promise<ReadinessDto> {
    return this.readiness.check();
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ operationId: 'getMetrics', summary: 'Prometheus metrics (text exposition format)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format', schema: { type: 'string' } })
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  @Get()
  @ApiExcludeEndpoint()
  root(): { ok: true; name: string; docs: string; console: string } {
    return { ok: true, name: 'credit-gateway', docs: '/docs', console: '/admin' };
  }
}
