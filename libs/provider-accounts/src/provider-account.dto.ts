import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { ACCOUNT_STATUSES, type AccountStatus, PROVIDERS, type ProviderName } from './provider-account.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const SECRET = /^[\x21-\x7e]+$/;
const BASE_URL = /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/;
const ACCOUNT_ID = /^pa_[0-9A-Za-z]{24}$/;

export class ApiyiCredentialsDto {
  /** The `sk-…` key used for generation calls. */
  @ApiProperty({ example: 'sk-…', minLength: 8, maxLength: 512 })
  @IsString()
  @Length(8, 512)
  @Matches(SECRET, { message: 'apiKey must be printable ASCII without spaces' })
  apiKey: string;

  /** The system access token: enables balance checks. */
  @ApiPropertyOptional({ minLength: 8, maxLength: 512 })
  @IsOptional()
  @IsString()
  @Length(8, 512)
  @Matches(SECRET, { message: 'accessToken must be printable ASCII without spaces' })
  accessToken?: string;
}

export class VolcengineCredentialsDto {
  @ApiProperty({ example: 'AKLT…', minLength: 8, maxLength: 256 })
  @IsString()
  @Length(8, 256)
  @Matches(SECRET, { message: 'accessKeyId must be printable ASCII without spaces' })
  accessKeyId: string;

  @ApiProperty({ minLength: 8, maxLength: 512 })
  @IsString()
  @Length(8, 512)
  @Matches(SECRET, { message: 'secretAccessKey must be printable ASCII without spaces' })
  secretAccessKey: string;
}

export class CreateAccountDto {
  @ApiProperty({ enum: PROVIDERS })
  @IsIn(PROVIDERS)
  provider: ProviderName;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'apiyi main' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  label: string;

  /** Upstream base URL (APIYI has several hosts); default the provider's public one. */
  @ApiPropertyOptional({ example: 'https://api.apiyi.com' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(BASE_URL, { message: 'baseUrl must be an http(s) URL without credentials, query or fragment' })
  baseUrl?: string;

  /** `apiyi`: `{ apiKey, accessToken? }`; `volcengine`: `{ accessKeyId, secretAccessKey }`. Never returned. */
  @ApiProperty({ oneOf: [{ $ref: '#/components/schemas/ApiyiCredentialsDto' }, { $ref: '#/components/schemas/VolcengineCredentialsDto' }] })
  @IsObject()
  credentials: Record<string, unknown>;

  /** `apiyi` only: the Volcengine account (a `pa_` id of this pool) whose assets this key may use. */
  @ApiPropertyOptional({ example: 'pa_0abcDEF12345678901234567' })
  @IsOptional()
  @IsString()
  @Matches(ACCOUNT_ID, { message: 'volcengineAccountId must be a provider account id (pa_…)' })
  volcengineAccountId?: string;

  /** `volcengine` only; default `cn-beijing`. */
  @ApiPropertyOptional({ example: 'cn-beijing' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9-]{2,40}$/, { message: 'region must be a region name such as cn-beijing' })
  region?: string;

  /** `volcengine` only; default `default`. */
  @ApiPropertyOptional({ example: 'default' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  projectName?: string;

  /** Higher first; default 0. */
  @ApiPropertyOptional({ minimum: -1000, maximum: 1000, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(-1000)
  @Max(1000)
  priority?: number;

  /** Share of load among accounts of equal priority; default 1. */
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  weight?: number;
}

export class BulkCreateAccountsDto {
  @ApiProperty({ type: [CreateAccountDto], minItems: 1, maxItems: 100 })
  accounts: CreateAccountDto[];
}

export class UpdateAccountDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @ValidateIf((_o, v) => v !== undefined)
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  label?: string;

  @ApiPropertyOptional({ minimum: -1000, maximum: 1000 })
  @ValidateIf((_o, v) => v !== undefined)
  @IsInt()
  @Min(-1000)
  @Max(1000)
  priority?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000 })
  @ValidateIf((_o, v) => v !== undefined)
  @IsInt()
  @Min(1)
  @Max(1000)
  weight?: number;

  /** `false` takes the account out of rotation (`disabled`); `true` puts it back as `active`. */
  @ApiPropertyOptional()
  @ValidateIf((_o, v) => v !== undefined)
  @IsBoolean()
  enabled?: boolean;
}

export class RotateCredentialsDto {
  @ApiProperty({ oneOf: [{ $ref: '#/components/schemas/ApiyiCredentialsDto' }, { $ref: '#/components/schemas/VolcengineCredentialsDto' }] })
  @IsObject()
  credentials: Record<string, unknown>;
}

export class ListAccountsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: PROVIDERS })
  @IsOptional()
  @IsIn(PROVIDERS)
  provider?: ProviderName;

  @ApiPropertyOptional({ enum: ACCOUNT_STATUSES })
  @IsOptional()
  @IsIn(ACCOUNT_STATUSES)
  status?: AccountStatus;
}

export class AccountEventDto {
  @ApiProperty({ example: 'status' }) kind: string;
  @ApiProperty({ nullable: true, type: String }) fromStatus: string | null;
  @ApiProperty({ nullable: true, type: String }) toStatus: string | null;
  @ApiProperty() reason: string;
  @ApiProperty({ example: 'system' }) actor: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AccountDto {
  @ApiProperty({ example: 'pa_0abcDEF12345678901234567' }) id: string;
  @ApiProperty({ enum: PROVIDERS }) provider: ProviderName;
  @ApiProperty() label: string;
  @ApiProperty({ nullable: true, type: String }) baseUrl: string | null;
  /** `active`, `cooldown` (429 or breaker open until `cooldownUntil`), `exhausted`, `disabled`, `invalid` (credentials refused). */
  @ApiProperty({ enum: ACCOUNT_STATUSES }) status: AccountStatus;
  @ApiProperty() enabled: boolean;
  /** A masked hint such as `sk-…9f2c`; credentials themselves are never returned. */
  @ApiProperty({ example: 'sk-…9f2c' }) credentialsHint: string;
  @ApiProperty({ format: 'date-time' }) credentialsRotatedAt: string;
  @ApiProperty({ type: 'integer' }) priority: number;
  @ApiProperty({ type: 'integer' }) weight: number;
  /** Upstream quota units (APIYI: 500 000 = 1 USD); null when unknown. */
  @ApiProperty({ type: 'integer', nullable: true }) balance: number | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) balanceCheckedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) cooldownUntil: string | null;
  /** Consecutive upstream failures (429, 5xx, timeouts). */
  @ApiProperty({ type: 'integer' }) failureStreak: number;
  /** Jobs queued or processing on this account. */
  @ApiProperty({ type: 'integer' }) inFlightJobs: number;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastErrorAt: string | null;
  @ApiProperty({ nullable: true, type: String }) volcengineAccountId: string | null;
  @ApiProperty({ nullable: true, type: String }) region: string | null;
  @ApiProperty({ nullable: true, type: String }) projectName: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  /** Recent changes, newest first (single-account views only). */
  @ApiPropertyOptional({ type: [AccountEventDto] }) events?: AccountEventDto[];
}

export class AccountResponseDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: AccountDto }) account: AccountDto;
}

export class AccountListDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: [AccountDto] }) data: AccountDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class BulkItemErrorDto {
  @ApiProperty() status: number;
  @ApiProperty() code: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } })
  details?: { field: string; message: string }[];
}

export class BulkItemResultDto {
  @ApiProperty() ok: boolean;
  @ApiPropertyOptional({ type: AccountDto }) account?: AccountDto;
  @ApiPropertyOptional({ type: BulkItemErrorDto }) error?: BulkItemErrorDto;
}

export class BulkCreateResultDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: [BulkItemResultDto] }) results: BulkItemResultDto[];
}

export class CheckResultDto {
  /** true: accepted upstream; false: refused; null: could not tell (no access token, upstream down). */
  @ApiProperty({ nullable: true, type: Boolean }) valid: boolean | null;
  @ApiProperty({ type: 'integer', nullable: true }) balance: number | null;
  @ApiProperty() detail: string;
}

export class AccountCheckResponseDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: AccountDto }) account: AccountDto;
  @ApiProperty({ type: CheckResultDto }) check: CheckResultDto;
}
