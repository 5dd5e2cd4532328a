import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { CreateOperatorDto, OperatorListDto, OperatorResponseDto, RevokedSessionsDto } from './console-auth.dto';
import { OperatorApi, OperatorContext, type RequestContext } from './operator.decorators';
import { OperatorsService } from './operators.service';

@ApiTags('Operator: operators')
@OperatorApi()
@Controller('api/operators')
export class OperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  @Get()
  @ApiOperation({ operationId: 'listOperators', summary: 'Console operators' })
  async list(): Promise<OperatorListDto> {
    return { ok: true, data: await this.operators.list(), nextCursor: null };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createOperator', summary: 'Add a console operator (they enroll an authenticator at first login)' })
  @ApiErrors('invalid_request', 'conflict')
  async create(@Body() body: CreateOperatorDto, @OperatorContext() ctx: RequestContext): Promise<OperatorResponseDto> {
    return { ok: true, operator: await this.operators.create(body, ctx) };
  }

  @Post(':operatorId/totp-reset')
  @HttpCode(200)
  @ApiOperation({ operationId: 'resetOperatorTotp', summary: "Reset a colleague's authenticator and end their sessions" })
  @ApiErrors('not_found', 'forbidden')
  async resetTotp(@Param('operatorId') operatorId: string, @OperatorContext() ctx: RequestContext): Promise<OperatorResponseDto> {
    return { ok: true, operator: await this.operators.resetTotp(operatorId, ctx) };
  }

  @Delete(':operatorId/sessions')
  @ApiOperation({ operationId: 'revokeOperatorSessions', summary: "End every session of an operator, on every instance" })
  @ApiErrors('not_found')
  async revokeSessions(@Param('operatorId') operatorId: string, @OperatorContext() ctx: RequestContext): Promise<RevokedSessionsDto> {
    return { ok: true, revoked: await this.operators.revokeSessions(operatorId, ctx) };
  }
}
