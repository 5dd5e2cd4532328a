import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { ImageSourceDto } from '@app/media';
import { ASSET_STATUSES, type AssetStatus } from './asset.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const PROVIDER_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;
const PROJECT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** A virtual avatar to ingest: a name and exactly one image source (§2.1 rules: PNG, JPEG or WebP, ≤ 10 MiB). */
export class CreateAssetDto extends ImageSourceDto {
  /** Display name, 1–200 characters. */
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Mia, front view' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;
}

export class AssetErrorDto {
  /** The provider's reason code (e.g. `InvalidImage`, `DownloadFailed`) or ours (`timeout`). */
  @ApiProperty({ example: 'InvalidImage' })
  code: string;

  @ApiProperty({ example: 'The file at the URL is not a supported image.' })
  message: string;
}

export class AssetDto {
  @ApiProperty({ example: 'ast_2f8kQ0c9ZmLr4TnB7xYw1VdE' })
  id: string;

  @ApiProperty()
  name: string;

  /** Only `active` assets can be used in video jobs. */
  @ApiProperty({ enum: ASSET_STATUSES })
  status: AssetStatus;

  @ApiProperty({ type: AssetErrorDto, nullable: true })
  error: AssetErrorDto | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class AssetResponseDto {
  @ApiProperty({ enum: [true] })
  ok: true;

  @ApiProperty({ type: AssetDto })
  asset: AssetDto;
}

export class AssetListDto {
  @ApiProperty({ enum: [true] })
  ok: true;

  @ApiProperty({ type: [AssetDto] })
  data: AssetDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class ListAssetsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ASSET_STATUSES })
  @IsOptional()
  @IsIn(ASSET_STATUSES)
  status?: AssetStatus;
}

// --- operator -------------------------------------------------------------------------------

export class OperatorAssetDto extends AssetDto {
  /** Owner; null for operator-owned assets. */
  @ApiProperty({ type: String, nullable: true })
  customerId: string | null;

  @ApiProperty({ enum: ['live', 'test'] })
  mode: 'live' | 'test';

  /** `ingested` by us from an image, or `registered` after console verification (real person). */
  @ApiProperty({ enum: ['ingested', 'registered'] })
  kind: 'ingested' | 'registered';

  @ApiProperty({ type: String, nullable: true })
  volcengineAccountId: string | null;

  @ApiProperty({ type: String, nullable: true })
  projectName: string | null;

  /** Volcengine's asset id: what the video request references as `asset://<id>`. */
  @ApiProperty()
  providerAssetId: string;

  @ApiProperty({ type: String, nullable: true })
  groupId: string | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class OperatorAssetResponseDto {
  @ApiProperty({ enum: [true] })
  ok: true;

  @ApiProperty({ type: OperatorAssetDto })
  asset: OperatorAssetDto;
}

export class OperatorAssetListDto {
  @ApiProperty({ enum: [true] })
  ok: true;

  @ApiProperty({ type: [OperatorAssetDto] })
  data: OperatorAssetDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class OperatorListAssetsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ASSET_STATUSES })
  @IsOptional()
  @IsIn(ASSET_STATUSES)
  status?: AssetStatus;

  /** Our group id (`agr_…`). */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  groupId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  customerId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  volcengineAccountId?: string;
}

/** Operator-owned ingest (no customer); optionally on a chosen Volcengine account. */
export class OperatorCreateAssetDto extends CreateAssetDto {
  @ApiPropertyOptional({ description: 'Volcengine account (pool id); default: the first usable one' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  volcengineAccountId?: string;
}

export class RegisterAssetDto {
  /** The customer who may use the asset. */
  @ApiProperty({ example: 'cus_2f8kQ0c9ZmLr4TnB7xYw1VdE' })
  @IsString()
  @Length(1, 100)
  customerId: string;

  /** The Volcengine account (pool id) whose console verified the person. */
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  volcengineAccountId: string;

  /** The asset id the Volcengine console returned. */
  @ApiProperty({ example: 'asset-20260101123000-abcd1234', pattern: PROVIDER_ID.source })
  @IsString()
  @Matches(PROVIDER_ID, { message: 'providerAssetId must be a Volcengine asset id' })
  providerAssetId: string;

  /** The asset's ProjectName in Volcengine; default the account's project. Must match the video key's project. */
  @ApiPropertyOptional({ pattern: PROJECT.source })
  @IsOptional()
  @IsString()
  @Matches(PROJECT, { message: 'projectName must be a Volcengine project name' })
  projectName?: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  /** Check with GetAsset that the id exists and is Active under that account and project (default true). */
  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  verify?: boolean;
}

export class AssetGroupDto {
  @ApiProperty({ example: 'agr_2f8kQ0c9ZmLr4TnB7xYw1VdE' })
  id: string;

  @ApiProperty({ type: String, nullable: true })
  customerId: string | null;

  @ApiProperty()
  volcengineAccountId: string;

  @ApiProperty()
  providerGroupId: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  projectName: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class AssetGroupResponseDto {
  @ApiProperty({ enum: [true] })
  ok: true;

  @ApiProperty({ type: AssetGroupDto })
  group: AssetGroupDto;
}

export class AssetGroupListDto {
  @ApiProperty({ enum: [true] })
  ok: true;

  @ApiProperty({ type: [AssetGroupDto] })
  data: AssetGroupDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class ListAssetGroupsQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  customerId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  volcengineAccountId?: string;
}

export class CreateAssetGroupDto {
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  volcengineAccountId: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  /** Make it this customer's group on that account (the one their ingests reuse); default: an operator group. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  customerId?: string;
}
