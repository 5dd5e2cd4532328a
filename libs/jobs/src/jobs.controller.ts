import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '@app/common';
import { CurrentCustomer, CustomerApi, type CustomerPrincipal } from '@app/api-keys';
import { GenerateBucket } from '@app/throttling';
import { GenerateImageDto, GenerateVideoDto } from './dto/generate.dto';
import { GenerateAcceptedDto, JobListDto, JobResponseDto, JobResultDto, ListJobsQueryDto } from './dto/job.dto';
import { GenerateService, type GenerateResult } from './generate.service';
import { JobsService } from './jobs.service';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: true,
  description: '1–255 printable ASCII characters. The same key with the same body returns the original job (header `Idempotent-Replayed: true`); with another body, 409.',
};

@ApiTags('Customer API')
@CustomerApi()
@Controller('v1')
export class JobsController {
  constructor(
    private readonly generator: GenerateService,
    private readonly jobs: JobsService,
  ) {}

  @Post('images/generate')
  @GenerateBucket()
  @HttpCode(202)
  @ApiOperation({ operationId: 'generateImage', summary: 'Create a GPT Image 2 job', description: 'Reserves the price (20 credits for LOW, 50 for MEDIUM) and answers at once; poll the job.' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiAcceptedResponse({ type: GenerateAcceptedDto })
  @ApiErrors('invalid_request', 'idempotency_key_missing', 'balance_low', 'idempotency_conflict', 'idempotency_in_progress', 'payload_too_large', 'rate_limited', 'unavailable')
  async generateImage(
    @CurrentCustomer() customer: CustomerPrincipal,
    @Body() body: GenerateImageDto,
    @Headers('idempotency-key') key: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GenerateAcceptedDto> {
    return replay(reply, await this.generator.image(customer, body, key, String(request.id)));
  }

  @Post('videos/generate')
  @GenerateBucket()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'generateVideo',
    summary: 'Create a Seedance 2.0 Fast job',
    description: 'Reserves 500 credits per second (600 with audio) and answers at once; poll the job.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiAcceptedResponse({ type: GenerateAcceptedDto })
  @ApiErrors('invalid_request', 'idempotency_key_missing', 'balance_low', 'idempotency_conflict', 'idempotency_in_progress', 'payload_too_large', 'rate_limited', 'unavailable')
  async generateVideo(
    @CurrentCustomer() customer: CustomerPrincipal,
    @Body() body: GenerateVideoDto,
    @Headers('idempotency-key') key: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GenerateAcceptedDto> {
    return replay(reply, await this.generator.video(customer, body, key, String(request.id)));
  }

  @Get('jobs')
  @ApiOperation({ operationId: 'listJobs', summary: 'Your jobs, newest first' })
  @ApiOkResponse({ type: JobListDto })
  @ApiErrors('invalid_request')
  list(@CurrentCustomer() customer: CustomerPrincipal, @Query() query: ListJobsQueryDto): Promise<JobListDto> {
    return this.jobs.list(customer, query);
  }

  @Get('jobs/:jobId')
  @ApiOperation({
    operationId: 'getJob',
    summary: 'Synchronize and return a job',
    description: 'When the job is in flight and was last checked more than a few seconds ago, the provider is asked now (briefly) before answering.',
  })
  @ApiOkResponse({ type: JobResponseDto })
  @ApiErrors('not_found')
  async get(@CurrentCustomer() customer: CustomerPrincipal, @Param('jobId') jobId: string): Promise<JobResponseDto> {
    return { ok: true, ...(await this.jobs.get(customer, jobId)) };
  }

  @Get('jobs/:jobId/result')
  @ApiOperation({ operationId: 'getJobResult', summary: 'A signed, expiring link to the stored output of a succeeded job' })
  @ApiOkResponse({ type: JobResultDto })
  @ApiErrors('not_found', 'job_not_ready', 'job_failed')
  result(@CurrentCustomer() customer: CustomerPrincipal, @Param('jobId') jobId: string): Promise<JobResultDto> {
    return this.jobs.result(customer, jobId);
  }

  @Post('jobs/:jobId/cancel')
  @HttpCode(200)
  @ApiOperation({ operationId: 'cancelJob', summary: 'Cancel a job the provider has not started (or can stop) and release its credits' })
  @ApiOkResponse({ type: JobResponseDto })
  @ApiErrors('not_found', 'job_not_cancelable')
  async cancel(@CurrentCustomer() customer: CustomerPrincipal, @Param('jobId') jobId: string): Promise<JobResponseDto> {
    return { ok: true, ...(await this.jobs.cancel(customer, jobId)) };
  }
}

function replay(reply: FastifyReply, result: GenerateResult): GenerateAcceptedDto {
  if (result.replayed) {
    void reply.header('idempotent-replayed', 'true');
  }
  return result.body;
}
