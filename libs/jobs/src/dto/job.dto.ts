import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '@app/common';

export const JOB_STATUSES = ['queued', 'processing', 'succeeded', 'failed', 'canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const JOB_TYPES = ['image', 'video'] as const;
export type JobTypeName = (typeof JOB_TYPES)[number];

export class GenerateAcceptedDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ example: 'job_0abcDEF12345678901234567' }) jobId: string;
  /** Status as of now (a replayed request reports the original job's current status). */
  @ApiProperty({ enum: JOB_STATUSES }) status: JobStatus;
  @ApiProperty({ enum: JOB_TYPES }) type: JobTypeName;
  /** Credits reserved for this job when it was created. */
  @ApiProperty({ type: 'integer', example: 20 }) chargedCredits: number;
}

export class JobErrorDto {
  /** Provider-neutral code: `generation_failed`, `moderation_rejected`, `timeout`, `provider_unavailable`, … */
  @ApiProperty() code: string;
  @ApiProperty() message: string;
}

export class JobViewDto {
  @ApiProperty() jobId: string;
  @ApiProperty({ enum: JOB_TYPES }) type: JobTypeName;
  @ApiProperty({ enum: JOB_STATUSES }) status: JobStatus;
  @ApiProperty({ type: 'integer' }) chargedCredits: number;
  /** Credits returned: the whole charge after a failure, cancellation or expiry. */
  @ApiProperty({ type: 'integer' }) refundedCredits: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completedAt: string | null;
  @ApiProperty({ type: JobErrorDto, nullable: true }) error: JobErrorDto | null;
}

export class JobResponseDto extends JobViewDto {
  @ApiProperty({ enum: [true] }) ok: true;
}

export class JobListDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: [JobViewDto] }) data: JobViewDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class JobResultDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty() jobId: string;
  @ApiProperty({ enum: JOB_TYPES }) type: JobTypeName;
  /** A signed, time-limited link to our stored copy; no bearer key needed. */
  @ApiProperty() url: string;
  @ApiProperty({ example: 'image/png' }) contentType: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

export class ListJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  @ApiPropertyOptional({ enum: JOB_TYPES })
  @IsOptional()
  @IsIn(JOB_TYPES)
  type?: JobTypeName;
}
