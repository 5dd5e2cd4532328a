import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { OperatorApi } from '@app/auth';
import { OperatorJobListDto, OperatorJobResponseDto, OperatorJobsQueryDto, OverviewDto } from './dto/operator-job.dto';
import { OperatorJobsService } from './operator-jobs.service';

@ApiTags('Operator: jobs')
@OperatorApi()
@Controller('api/public')
export class OperatorJobsController {
  constructor(private readonly jobs: OperatorJobsService) {}

  @Get('jobs')
  @ApiOperation({ operationId: 'operatorListJobs', summary: 'Jobs of all customers, newest first' })
  @ApiErrors('invalid_request')
  list(@Query() query: OperatorJobsQueryDto): Promise<OperatorJobListDto> {
    return this.jobs.list(query);
  }

  @Get('jobs/:jobId')
  @ApiOperation({ operationId: 'operatorGetJob', summary: 'A job with its provider placement, timeline and result link (never credentials)' })
  @ApiErrors('not_found')
  async get(@Param('jobId') jobId: string): Promise<OperatorJobResponseDto> {
    return { ok: true, job: await this.jobs.get(jobId) };
  }

  @Get('overview')
  @ApiOperation({ operationId: 'operatorOverview', summary: 'Credits across customers, jobs of the last 24 hours by status, scheduler lag' })
  overview(): Promise<OverviewDto> {
    return this.jobs.overview();
  }
}
