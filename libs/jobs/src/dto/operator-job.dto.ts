import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { JOB_STATUSES, JOB_TYPES, type JobStatus, type JobTypeName, JobViewDto } from './job.dto';

const MODES = ['live', 'test'] as const;

export class OperatorJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'cus_0Q3x1a2B3c4D5e6F7g8H9i0J' })
  @IsOptional()
  @IsString()
  @Matches(/^cus_[0-9A-Za-z]{24}$/, { message: 'customerId must be a customer id' })
  customerId?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  @ApiPropertyOptional({ enum: JOB_TYPES })
  @IsOptional()
  @IsIn(JOB_TYPES)
  type?: JobTypeName;

  @ApiPropertyOptional({ enum: MODES })
  @IsOptional()
  @IsIn(MODES)
  mode?: 'live' | 'test';
}

export class OperatorJobViewDto extends JobViewDto {
  @ApiProperty() customerId: string;
  @ApiProperty({ enum: MODES }) mode: 'live' | 'test';
  /** The provider that ran it (`simulator` for test mode). */
  @ApiProperty({ nullable: true, type: String }) provider: string | null;
  @ApiProperty({ nullable: true, type: String }) providerAccountId: string | null;
  @ApiProperty({ nullable: true, type: String }) providerTaskId: string | null;
}

export class JobEventDto {
  /** `created`, `submitted`, `submission_unknown`, `settled`, … */
  @ApiProperty() kind: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) detail: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class OperatorJobResultDto {
  /** A signed, expiring link to the stored output. */
  @ApiProperty() url: string;
  @ApiProperty() contentType: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

export class OperatorJobDetailDto extends OperatorJobViewDto {
  @ApiProperty() prompt: string;
  @ApiProperty() size: string;
  @ApiProperty({ type: 'integer' }) polls: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) submittedAt: string | null;
  /** The timeline: created (credits reserved), submitted, settled. */
  @ApiProperty({ type: [JobEventDto] }) events: JobEventDto[];
  @ApiProperty({ type: OperatorJobResultDto, nullable: true }) result: OperatorJobResultDto | null;
}

export class OperatorJobResponseDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: OperatorJobDetailDto }) job: OperatorJobDetailDto;
}

export class OperatorJobListDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: [OperatorJobViewDto] }) data: OperatorJobViewDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class OverviewBalanceDto {
  @ApiProperty({ type: 'integer' }) balance: number;
  @ApiProperty({ type: 'integer' }) reserved: number;
  @ApiProperty({ type: 'integer' }) available: number;
}

export class OverviewCreditsDto {
  @ApiProperty({ type: OverviewBalanceDto }) live: OverviewBalanceDto;
  @ApiProperty({ type: OverviewBalanceDto }) test: OverviewBalanceDto;
}

export class JobCountsDto {
  @ApiProperty({ type: 'integer' }) queued: number;
  @ApiProperty({ type: 'integer' }) processing: number;
  @ApiProperty({ type: 'integer' }) succeeded: number;
  @ApiProperty({ type: 'integer' }) failed: number;
  @ApiProperty({ type: 'integer' }) canceled: number;
}

export class OverviewDto {
  @ApiProperty({ enum: [true] }) ok: true;
  /** Across all customers. */
  @ApiProperty({ type: OverviewCreditsDto }) credits: OverviewCreditsDto;
  /** Jobs created in the last 24 hours, by current status. */
  @ApiProperty({ type: JobCountsDto }) jobsLast24h: JobCountsDto;
  /** How late the most overdue job check is, in seconds (0 when none is late). */
  @ApiProperty() schedulerLagSeconds: number;
  @ApiProperty({ format: 'date-time' }) at: string;
}
