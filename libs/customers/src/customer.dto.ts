import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { CUSTOMER_STATUSES, type CustomerStatus } from './customer.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const PLAN_CODE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const PRINTABLE = /^[\x21-\x7e]+$/;

export class CreateCustomerDto {
  /** Display name, 1–200 characters. */
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Acme Studio' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  /** Contact email; unique (case-insensitive) among customers. */
  @ApiPropertyOptional({ maxLength: 254, example: 'ops@acme.test' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email?: string;

  /** Plan code; default `default`. */
  @ApiPropertyOptional({ example: 'default', pattern: PLAN_CODE.source })
  @IsOptional()
  @IsString()
  @Matches(PLAN_CODE, { message: 'plan must be a plan code' })
  plan?: string;

  /** Your own reference for this customer (printable ASCII, 1–200); unique when given. */
  @ApiPropertyOptional({ maxLength: 200, example: 'crm-4711' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(PRINTABLE, { message: 'externalId must be printable ASCII without spaces' })
  externalId?: string;
}

export class UpdateCustomerDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @ValidateIf((_o, v) => v !== undefined)
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  /** New email, or `null` to remove it. */
  @ApiPropertyOptional({ maxLength: 254, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email?: string | null;

  @ApiPropertyOptional({ pattern: PLAN_CODE.source })
  @ValidateIf((_o, v) => v !== undefined)
  @IsString()
  @Matches(PLAN_CODE, { message: 'plan must be a plan code' })
  plan?: string;

  /** A non-active customer's keys answer 401 at once. */
  @ApiPropertyOptional({ enum: CUSTOMER_STATUSES })
  @ValidateIf((_o, v) => v !== undefined)
  @IsIn(CUSTOMER_STATUSES)
  status?: CustomerStatus;
}

export class ListCustomersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CUSTOMER_STATUSES })
  @IsOptional()
  @IsIn(CUSTOMER_STATUSES)
  status?: CustomerStatus;

  /** Case-insensitive substring of the name, email or external id. */
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;
}

export class CustomerDto {
  @ApiProperty({ example: 'cus_0Q3x1a2B3c4D5e6F7g8H9i0J' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) externalId: string | null;
  /** Plan code. */
  @ApiProperty({ example: 'default' }) plan: string;
  @ApiProperty({ enum: CUSTOMER_STATUSES }) status: CustomerStatus;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class PlanDto {
  @ApiProperty({ example: 'default' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: 'integer' }) requestsPerMinute: number;
  @ApiProperty({ type: 'integer' }) maxConcurrentJobs: number;
  @ApiProperty({ type: 'integer' }) maxQueuedJobs: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class CreatePlanDto {
  /** Lower-case code: letters, digits, `_`, `-`; 1–63 characters. */
  @ApiProperty({ pattern: PLAN_CODE.source, example: 'pro' })
  @IsString()
  @Matches(PLAN_CODE, { message: 'code must be 1–63 lower-case letters, digits, _ or -, starting with a letter or digit' })
  code: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  /** Requests per minute per API key, 1–1 000 000. */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 1_000_000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  requestsPerMinute: number;

  /** Jobs in flight at the provider per customer, 1–1 000 000. */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 1_000_000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxConcurrentJobs: number;

  /** Jobs waiting for provider capacity per customer, 0–10 000 000. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 10_000_000 })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  maxQueuedJobs: number;
}

/** Any of a plan's fields but its code; `null` is refused like any other wrong type. */
export class UpdatePlanDto extends PartialType(OmitType(CreatePlanDto, ['code'] as const), { skipNullProperties: false }) {}

export class PlanResponseDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: PlanDto }) plan: PlanDto;
}

export class PlanListDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: [PlanDto] }) data: PlanDto[];
  /** Always null: every plan fits one page. */
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
