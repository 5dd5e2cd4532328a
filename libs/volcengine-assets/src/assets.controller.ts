import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/common';
import { CurrentCustomer, CustomerApi, type CustomerPrincipal } from '@app/api-keys';
import { AssetListDto, AssetResponseDto, CreateAssetDto, ListAssetsQueryDto } from './assets.dto';
import { AssetsService } from './assets.service';

@ApiTags('Assets')
@CustomerApi()
@Controller('v1/assets')
export class AssetsController {
  constructor(private readonly assets: AssetsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'createAsset',
    summary: 'Ingest a virtual avatar into the asset library',
    description: 'Answers at once with status `processing`; poll GET /v1/assets/{assetId} until `active` (usable in video jobs) or `failed`.',
  })
  @ApiErrors('invalid_request', 'payload_too_large', 'unavailable')
  async create(@CurrentCustomer() principal: CustomerPrincipal, @Body() body: CreateAssetDto): Promise<AssetResponseDto> {
    return { ok: true, asset: this.assets.toView(await this.assets.ingestForCustomer(principal, body.name, body)) };
  }

  @Get()
  @ApiOperation({ operationId: 'listAssets', summary: 'Your assets (in the key’s mode), newest first' })
  @ApiErrors('invalid_request')
  async list(@CurrentCustomer() principal: CustomerPrincipal, @Query() query: ListAssetsQueryDto): Promise<AssetListDto> {
    const page = await this.assets.listForCustomer(principal, query);
    return { ok: true, data: page.data.map((r) => this.assets.toView(r)), nextCursor: page.nextCursor };
  }

  @Get(':assetId')
  @ApiOperation({ operationId: 'getAsset', summary: 'One of your assets' })
  @ApiErrors('not_found')
  async get(@CurrentCustomer() principal: CustomerPrincipal, @Param('assetId') assetId: string): Promise<AssetResponseDto> {
    return { ok: true, asset: this.assets.toView(await this.assets.getForCustomer(principal, assetId)) };
  }

  @Delete(':assetId')
  @ApiOperation({ operationId: 'deleteAsset', summary: 'Delete one of your assets, here and in the provider’s library' })
  @ApiErrors('not_found', 'unavailable')
  async delete(@CurrentCustomer() principal: CustomerPrincipal, @Param('assetId') assetId: string): Promise<AssetResponseDto> {
    return { ok: true, asset: this.assets.toView(await this.assets.deleteForCustomer(principal, assetId)) };
  }
}
