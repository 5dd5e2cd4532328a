import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { OperatorApi, OperatorContext, type RequestContext } from '@app/auth';
import { ApiKeyListDto, ApiKeyResponseDto, CreateApiKeyDto, CreateApiKeyResponseDto, ListApiKeysQueryDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('Operator: API keys')
@OperatorApi()
@Controller('api/public/customers/:customerId/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createApiKey', summary: 'Issue an API key (the full key is in this response only)' })
  @ApiErrors('invalid_request', 'not_found', 'conflict')
  async create(@Param('customerId') customerId: string, @Body() body: CreateApiKeyDto, @OperatorContext() ctx: RequestContext): Promise<CreateApiKeyResponseDto> {
    const { apiKey, key } = await this.keys.create(customerId, body, ctx);
    return { ok: true, apiKey: this.keys.toCreatedDto(apiKey), key };
  }

  @Get()
  @ApiOperation({ operationId: 'listApiKeys', summary: "List a customer's keys, newest first" })
  @ApiErrors('invalid_request', 'not_found')
  async list(@Param('customerId') customerId: string, @Query() query: ListApiKeysQueryDto): Promise<ApiKeyListDto> {
    const page = await this.keys.list(customerId, query);
    return { ok: true, data: page.data.map((row) => this.keys.toDto(row)), nextCursor: page.nextCursor };
  }

  @Delete(':keyId')
  @ApiOperation({ operationId: 'revokeApiKey', summary: 'Revoke a key (idempotent); every instance refuses it within a second' })
  @ApiErrors('not_found')
  async revoke(@Param('customerId') customerId: string, @Param('keyId') keyId: string, @OperatorContext() ctx: RequestContext): Promise<ApiKeyResponseDto> {
    return { ok: true, apiKey: this.keys.toDto(await this.keys.revoke(customerId, keyId, ctx)) };
  }
}
