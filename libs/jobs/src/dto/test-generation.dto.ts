import { ApiProperty, IntersectionType, PickType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { JOB_STATUSES, JOB_TYPES, JobErrorDto, type JobStatus, type JobTypeName } from './job.dto';
import { GenerateImageDto, GenerateVideoDto } from './generate.dto';

/** The customer generate fields, same rules: `quality` applies to images, `duration` and `motionHasAudio` to videos. */
export class TestGenerationDto extends IntersectionType(
  PickType(GenerateVideoDto, ['prompt', 'size', 'duration', 'motionHasAudio'] as const),
  PickType(GenerateImageDto, ['quality'] as const),
) {
  @ApiProperty({ enum: JOB_TYPES })
  @IsIn(JOB_TYPES)
  type: JobTypeName;
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
