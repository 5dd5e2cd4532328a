import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '@app/common';
import type { ApiKeyMode } from './api-key.entity';

const MODES: ApiKeyMode[] = ['live', 'test'];

export class CreateApiKeyDto {
  /** `live` keys spend live credits at real providers; `test` keys run on the simulator against the test balance. */
  @ApiProperty({ enum: MODES })
  @IsIn(MODES)
  mode: ApiKeyMode;

  /** A label to tell keys apart, 1–100 characters. */
  @ApiPropertyOptional({ maxLength: 100, example: 'production backend' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  name?: string;
}

export class ListApiKeysQueryDto extends PageQueryDto {}

export class ApiKeyDto {
  @ApiProperty({ example: 'key_0Q3x1a2B3c4D5e6F7g8H9i0J' }) id: string;
  @ApiProperty({ enum: MODES }) mode: ApiKeyMode;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  /** The key's first characters, to recognise it; never enough to use it. */
  @ApiProperty({ example: 'ak_live_Ab3d' }) prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  /** Last successful use, updated every few seconds. */
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
}

export class CreatedApiKeyDto {
  @ApiProperty({ example: 'key_0Q3x1a2B3c4D5e6F7g8H9i0J' }) id: string;
  @ApiProperty({ enum: MODES }) mode: ApiKeyMode;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ example: 'ak_live_Ab3d' }) prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreateApiKeyResponseDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: CreatedApiKeyDto }) apiKey: CreatedApiKeyDto;
  /** The full key. Shown this once: only its SHA-256 hash is stored. */
  @ApiProperty({ example: 'ak_live_3kTMd92jfQ0aPzLm1xYbQ8rT5uV7wX9yZ0aB2cD4' }) key: string;
}

export class ApiKeyResponseDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: ApiKeyDto }) apiKey: ApiKeyDto;
}

export class ApiKeyListDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: [ApiKeyDto] }) data: ApiKeyDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
