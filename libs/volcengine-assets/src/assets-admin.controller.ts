import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { OperatorApi, OperatorContext, type RequestContext } from '@app/auth';
import {
  AssetGroupListDto,
  AssetGroupResponseDto,
  CreateAssetGroupDto,
  ListAssetGroupsQueryDto,
  OperatorAssetListDto,
  OperatorAssetResponseDto,
  OperatorCreateAssetDto,
  OperatorListAssetsQueryDto,
  RegisterAssetDto,
} from './assets.dto';
import { AssetsService } from './assets.service';

@ApiTags('Operator: assets')
@OperatorApi()
@Controller('api/assets')
export class AssetsAdminController {
  constructor(private readonly assets: AssetsService) {}

  @Get('groups')
  @ApiOperation({ operationId: 'listAssetGroups', summary: 'Asset groups across customers, newest first' })
  @ApiErrors('invalid_request')
  async listGroups(@Query() query: ListAssetGroupsQueryDto): Promise<AssetGroupListDto> {
    const page = await this.assets.listGroups(query);
    return { ok: true, data: page.data.map((g) => this.assets.toGroupView(g)), nextCursor: page.nextCursor };
  }

  @Post('groups')
  @HttpCode(201)
  @ApiOperation({ operationId: 'createAssetGroup', summary: 'Create an AIGC asset group on a Volcengine account' })
  @ApiErrors('invalid_request', 'not_found', 'conflict', 'unavailable')
  async createGroup(@Body() body: CreateAssetGroupDto, @OperatorContext() ctx: RequestContext): Promise<AssetGroupResponseDto> {
    return { ok: true, group: this.assets.toGroupView(await this.assets.createGroup(body, ctx)) };
  }

  @Delete('groups/:groupId')
  @ApiOperation({ operationId: 'deleteAssetGroup', summary: 'Delete a group with its assets, upstream and here' })
  @ApiErrors('not_found', 'unavailable')
  async deleteGroup(@Param('groupId') groupId: string, @OperatorContext() ctx: RequestContext): Promise<AssetGroupResponseDto> {
    return { ok: true, group: this.assets.toGroupView(await this.assets.deleteGroup(groupId, ctx)) };
  }

  @Get()
  @ApiOperation({ operationId: 'listAllAssets', summary: 'Assets across customers, newest first, filtered by status, group, customer or account' })
  @ApiErrors('invalid_request')
  async list(@Query() query: OperatorListAssetsQueryDto): Promise<OperatorAssetListDto> {
    const page = await this.assets.listAll(query);
    return { ok: true, data: page.data.map((r) => this.assets.toOperatorView(r)), nextCursor: page.nextCursor };
  }

  @Post()
  @HttpCode(202)
  @ApiOperation({ operationId: 'createOperatorAsset', summary: 'Ingest an operator-owned virtual avatar' })
  @ApiErrors('invalid_request', 'payload_too_large', 'unavailable')
  async create(@Body() body: OperatorCreateAssetDto, @OperatorContext() ctx: RequestContext): Promise<OperatorAssetResponseDto> {
    return { ok: true, asset: this.assets.toOperatorView(await this.assets.ingestForOperator(body, ctx)) };
  }

  @Post('register')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'registerAsset',
    summary: 'Record a real-person asset verified in the Volcengine console',
    description: 'Real-person verification exists only in the Volcengine console. Record the asset id it returned, with its account and ProjectName, for the customer who may use it; it is `active` at once.',
  })
  @ApiErrors('invalid_request', 'not_found', 'conflict', 'unavailable')
  async register(@Body() body: RegisterAssetDto, @OperatorContext() ctx: RequestContext): Promise<OperatorAssetResponseDto> {
    return { ok: true, asset: this.assets.toOperatorView(await this.assets.register(body, ctx)) };
  }

  @Get(':assetId')
  @ApiOperation({ operationId: 'getAnyAsset', summary: 'One asset, with its provider ids' })
  @ApiErrors('not_found')
  async get(@Param('assetId') assetId: string): Promise<OperatorAssetResponseDto> {
    return { ok: true, asset: this.assets.toOperatorView(await this.assets.get(assetId)) };
  }

  @Delete(':assetId')
  @ApiOperation({ operationId: 'deleteAnyAsset', summary: 'Delete an asset upstream (ingested ones) and here' })
  @ApiErrors('not_found', 'unavailable')
  async delete(@Param('assetId') assetId: string, @OperatorContext() ctx: RequestContext): Promise<OperatorAssetResponseDto> {
    return { ok: true, asset: this.assets.toOperatorView(await this.assets.delete(assetId, ctx)) };
  }
}
