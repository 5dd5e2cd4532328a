import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { OperatorApi, OperatorContext, type RequestContext } from '@app/auth';
import {
  AccountCheckResponseDto,
  AccountListDto,
  AccountResponseDto,
  ApiyiCredentialsDto,
  BulkCreateAccountsDto,
  BulkCreateResultDto,
  CreateAccountDto,
  ListAccountsQueryDto,
  RotateCredentialsDto,
  UpdateAccountDto,
  VolcengineCredentialsDto,
} from './provider-account.dto';
import { ProviderAccountsService } from './provider-accounts.service';

@ApiTags('Operator: provider accounts')
@ApiExtraModels(CreateAccountDto, BulkCreateAccountsDto, ApiyiCredentialsDto, VolcengineCredentialsDto, AccountResponseDto, BulkCreateResultDto)
@OperatorApi()
@Controller('api/accounts')
export class ProviderAccountsController {
  constructor(private readonly accounts: ProviderAccountsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createProviderAccounts', summary: 'Import one provider account, or many with `{ accounts: [...] }` (each item succeeds or fails on its own)' })
  @ApiBody({ schema: { oneOf: [{ $ref: getSchemaPath(CreateAccountDto) }, { $ref: getSchemaPath(BulkCreateAccountsDto) }] } })
  @ApiResponse({ status: 201, schema: { oneOf: [{ $ref: getSchemaPath(AccountResponseDto) }, { $ref: getSchemaPath(BulkCreateResultDto) }] } })
  @ApiErrors('invalid_request')
  // The shape depends on the body (one or bulk): validated in the service, item by item.
  async create(@Body() body: Record<string, unknown>, @OperatorContext() ctx: RequestContext): Promise<AccountResponseDto | BulkCreateResultDto> {
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'accounts' in body && Object.keys(body).length === 1) {
      return this.accounts.createMany(body.accounts, ctx);
    }
    return { ok: true, account: await this.accounts.createOne(body, ctx) };
  }

  @Get()
  @ApiOperation({ operationId: 'listProviderAccounts', summary: 'List provider accounts with status, balance, in-flight jobs and last error, newest first' })
  @ApiErrors('invalid_request')
  list(@Query() query: ListAccountsQueryDto): Promise<AccountListDto> {
    return this.accounts.list(query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getProviderAccount', summary: 'One provider account with its recent history' })
  @ApiErrors('not_found')
  async get(@Param('id') id: string): Promise<AccountResponseDto> {
    return { ok: true, account: await this.accounts.get(id) };
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'updateProviderAccount', summary: 'Change label, priority, weight or enabled' })
  @ApiErrors('invalid_request', 'not_found')
  async update(@Param('id') id: string, @Body() body: UpdateAccountDto, @OperatorContext() ctx: RequestContext): Promise<AccountResponseDto> {
    return { ok: true, account: await this.accounts.update(id, body, ctx) };
  }

  @Delete(':id')
  @ApiOperation({ operationId: 'deleteProviderAccount', summary: 'Delete an account without jobs in flight (its history is kept)' })
  @ApiResponse({ status: 200, schema: { type: 'object', properties: { ok: { type: 'boolean', enum: [true] }, deleted: { type: 'string' } }, required: ['ok', 'deleted'] } })
  @ApiErrors('not_found', 'conflict')
  async remove(@Param('id') id: string, @OperatorContext() ctx: RequestContext): Promise<{ ok: true; deleted: string }> {
    await this.accounts.remove(id, ctx);
    return { ok: true, deleted: id };
  }

  @Put(':id/credentials')
  @ApiOperation({ operationId: 'rotateProviderAccountCredentials', summary: 'Replace the credentials, keeping the account and its history' })
  @ApiBody({ type: RotateCredentialsDto })
  @ApiErrors('invalid_request', 'not_found')
  async rotate(@Param('id') id: string, @Body() body: Record<string, unknown>, @OperatorContext() ctx: RequestContext): Promise<AccountResponseDto> {
    return { ok: true, account: await this.accounts.rotate(id, body, ctx) };
  }

  @Post(':id/check')
  @HttpCode(200)
  @ApiOperation({ operationId: 'checkProviderAccount', summary: 'Ask the upstream now: validity and balance' })
  @ApiErrors('not_found')
  check(@Param('id') id: string, @OperatorContext() ctx: RequestContext): Promise<AccountCheckResponseDto> {
    return this.accounts.check(id, ctx);
  }
}

