import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, NotEquals } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { CustomerDto } from '@app/customers';
import { CREDIT_MODES, type CreditMode } from './credit-account.entity';
import { LEDGER_KINDS, type LedgerKind } from './ledger-entry.entity';
import { MAX_OPERATION_AMOUNT } from './credits.service';

export class BalanceDto {
  @ApiProperty({ type: 'integer', example: 12000 }) balance: number;
  /** Held for jobs in flight. */
  @ApiProperty({ type: 'integer', example: 9000 }) reserved: number;
  /** `balance − reserved`, never negative. */
  @ApiProperty({ type: 'integer', example: 3000 }) available: number;
}

export class BalancesDto {
  @ApiProperty({ type: BalanceDto }) live: BalanceDto;
  @ApiProperty({ type: BalanceDto }) test: BalanceDto;
}

export class CustomerWithCreditsDto extends CustomerDto {
  @ApiProperty({ type: BalancesDto }) credits: BalancesDto;
}

export class CustomerResponseDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: CustomerWithCreditsDto }) customer: CustomerWithCreditsDto;
}

export class CustomerListDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: [CustomerWithCreditsDto] }) data: CustomerWithCreditsDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class CreditChangeDto {
  /** Non-zero integer within ±10¹²: positive tops up, negative adjusts down. */
  @ApiProperty({ type: 'integer', minimum: -MAX_OPERATION_AMOUNT, maximum: MAX_OPERATION_AMOUNT, example: 50000 })
  @IsInt()
  @NotEquals(0, { message: 'amount must not be zero' })
  @Min(-MAX_OPERATION_AMOUNT)
  @Max(MAX_OPERATION_AMOUNT)
  amount: number;

  /** Why: kept in the ledger and the audit log. */
  @ApiProperty({ minLength: 1, maxLength: 500, example: 'Invoice 2024-117 paid' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 500)
  reason: string;

  @ApiPropertyOptional({ enum: CREDIT_MODES, default: 'live' })
  @IsOptional()
  @IsIn(CREDIT_MODES)
  mode?: CreditMode;
}

export class LedgerQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CREDIT_MODES })
  @IsOptional()
  @IsIn(CREDIT_MODES)
  mode?: CreditMode;
}

export class LedgerEntryDto {
  @ApiProperty({ example: '1042' }) id: string;
  @ApiProperty({ enum: CREDIT_MODES }) mode: CreditMode;
  @ApiProperty({ enum: LEDGER_KINDS }) kind: LedgerKind;
  @ApiProperty({ type: 'integer' }) balanceDelta: number;
  @ApiProperty({ type: 'integer' }) reservedDelta: number;
  @ApiProperty({ type: 'integer' }) balanceAfter: number;
  @ApiProperty({ type: 'integer' }) reservedAfter: number;
  @ApiProperty({ nullable: true, type: String }) jobId: string | null;
  /** `operator:key`, `operator:<id>` or `system`. */
  @ApiProperty() actor: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreditChangeResponseDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: BalancesDto }) credits: BalancesDto;
  @ApiProperty({ type: LedgerEntryDto }) entry: LedgerEntryDto;
}

export class LedgerPageDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: BalancesDto }) credits: BalancesDto;
  /** Ledger entries, newest first. */
  @ApiProperty({ type: [LedgerEntryDto] }) data: LedgerEntryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class UsageDto {
  @ApiProperty({ enum: [true] }) ok: true;
  /** The calling key's mode. */
  @ApiProperty({ enum: CREDIT_MODES }) mode: CreditMode;
  @ApiProperty({ type: 'integer', example: 12000 }) creditsBalance: number;
  @ApiProperty({ type: 'integer', example: 9000 }) creditsReserved: number;
  /** `creditsBalance − creditsReserved`, always ≥ 0. */
  @ApiProperty({ type: 'integer', example: 3000 }) creditsAvailable: number;
}
