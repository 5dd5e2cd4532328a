import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { OperatorApi, OperatorContext, type RequestContext } from '@app/auth';
import { TestGenerationDto, TestGenerationResponseDto } from './dto/test-generation.dto';
import { TestGenerationService } from './test-generation.service';

@ApiTags('Operator: provider accounts')
@OperatorApi()
@Controller('api/accounts')
export class TestGenerationController {
  constructor(private readonly tests: TestGenerationService) {}

  @Post(':id/test-generation')
  @HttpCode(202)
  @ApiOperation({ operationId: 'startTestGeneration', summary: 'Run a real job on this account, owned by the operator and charged to no customer' })
  @ApiErrors('invalid_request', 'not_found')
  async start(@Param('id') id: string, @Body() body: TestGenerationDto, @OperatorContext() ctx: RequestContext): Promise<TestGenerationResponseDto> {
    return { ok: true, job: await this.tests.start(id, body, ctx) };
  }

  @Get(':id/test-generation/:jobId')
  @ApiOperation({ operationId: 'getTestGeneration', summary: 'Status and result link of a test generation' })
  @ApiErrors('not_found')
  async get(@Param('id') id: string, @Param('jobId') jobId: string): Promise<TestGenerationResponseDto> {
    return { ok: true, job: await this.tests.get(id, jobId) };
  }
}
