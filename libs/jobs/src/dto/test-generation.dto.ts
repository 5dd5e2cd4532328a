import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { JOB_STATUSES, JOB_TYPES, JobErrorDto, type JobStatus, type JobTypeName } from './job.dto';
import { QUALITIES, SIZES } from './generate.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class TestGenerationDto {
  @ApiProperty({ enum: JOB_TYPES })
  @IsIn(JOB_TYPES)
  type: JobTypeName;

  @ApiProperty({ minLength: 1, maxLength: 4000, example: 'a red cube on a table' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  prompt: string;

  @ApiPropertyOptional({ enum: SIZES, default: '1:1_SMALL' })
  @IsOptional()
  @IsIn(SIZES)
  size?: (typeof SIZES)[number];

  /** Images only. */
  @ApiPropertyOptional({ enum: QUALITIES, default: 'LOW' })
  @IsOptional()
  @IsIn(QUALITIES)
  quality?: (typeof QUALITIES)[number];

  /** Videos only, 4–15 seconds. */
  @ApiPropertyOptional({ minimum: 4, maximum: 15, default: 5, type: 'integer' })
  @IsOptional()
  @IsInt()
  @Min(4)
  @Max(15)
  duration?: number;

  /** Videos only. */
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  motionHasAudio?: boolean;
}

export class TestGenerationJobDto {
  @ApiProperty() jobId: string;
  @ApiProperty({ enum: JOB_TYPES }) type: JobTypeName;
  @ApiProperty({ enum: JOB_STATUSES }) status: JobStatus;
  @ApiProperty() providerAccountId: string;
  @ApiProperty({ nullable: true, type: String }) providerTaskId: string | null;
  @ApiProperty({ type: JobErrorDto, nullable: true }) error: JobErrorDto | null;
  /** Signed link to our stored copy once succeeded. */
  @ApiProperty({ nullable: true, type: String }) resultUrl: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completedAt: string | null;
}

export class TestGenerationResponseDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: TestGenerationJobDto }) job: TestGenerationJobDto;
}
