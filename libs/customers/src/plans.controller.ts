import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { OperatorApi, OperatorContext, type RequestContext } from '@app/auth';
import { CreatePlanDto, PlanListDto, PlanResponseDto, UpdatePlanDto } from './customer.dto';
import { PlansService } from './plans.service';

@ApiTags('Operator: customers')
@OperatorApi()
@Controller('api/public/plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Get()
  @ApiOperation({ operationId: 'listPlans', summary: 'List plans' })
  async list(): Promise<PlanListDto> {
    const plans = await this.plans.list();
    return { ok: true, data: plans.map((p) => this.plans.toDto(p)), nextCursor: null };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createPlan', summary: 'Create a plan' })
  @ApiErrors('invalid_request', 'conflict')
  async create(@Body() body: CreatePlanDto, @OperatorContext() ctx: RequestContext): Promise<PlanResponseDto> {
    return { ok: true, plan: this.plans.toDto(await this.plans.create(body, ctx)) };
  }

  @Patch(':code')
  @ApiOperation({ operationId: 'updatePlan', summary: 'Change a plan' })
  @ApiErrors('invalid_request', 'not_found')
  async update(@Param('code') code: string, @Body() body: UpdatePlanDto, @OperatorContext() ctx: RequestContext): Promise<PlanResponseDto> {
    return { ok: true, plan: this.plans.toDto(await this.plans.update(code, body, ctx)) };
  }
}
