import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ReferenceImageDto, ReferenceImageField } from '@app/media';

export const SIZES = ['16:9_SMALL', '1:1_SMALL', '2:3_SMALL', '9:16_SMALL'] as const;
export const QUALITIES = ['LOW', 'MEDIUM'] as const;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class GenerateImageDto {
  /** What to generate, 1–4000 characters after trimming. */
  @ApiProperty({ minLength: 1, maxLength: 4000, example: 'cinematic product photo' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  prompt: string;

  /** `LOW` (20 credits) or `MEDIUM` (50 credits). */
  @ApiPropertyOptional({ enum: QUALITIES, default: 'LOW' })
  @IsOptional()
  @IsIn(QUALITIES)
  quality?: (typeof QUALITIES)[number];

  @ApiPropertyOptional({ enum: SIZES, default: '1:1_SMALL' })
  @IsOptional()
  @IsIn(SIZES)
  size?: (typeof SIZES)[number];

  @ReferenceImageField()
  referenceImage?: ReferenceImageDto;
}

export class GenerateVideoDto {
  /** What to generate, 1–4000 characters after trimming. Refer to assets as "Image 1", "Image 2", … in `assetIds` order. */
  @ApiProperty({ minLength: 1, maxLength: 4000, example: 'drone shot over rice fields' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  prompt: string;

  @ApiPropertyOptional({ enum: SIZES, default: '1:1_SMALL' })
  @IsOptional()
  @IsIn(SIZES)
  size?: (typeof SIZES)[number];

  /** Seconds of video, 4–15. */
  @ApiPropertyOptional({ minimum: 4, maximum: 15, default: 5, type: 'integer' })
  @IsOptional()
  @IsInt()
  @Min(4)
  @Max(15)
  duration?: number;

  /** Generate an audio track (600 instead of 500 credits per second). */
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  motionHasAudio?: boolean;

  @ReferenceImageField()
  referenceImage?: ReferenceImageDto;

  /** Up to 9 of your `active` asset ids (virtual avatars), referenced in the prompt as "Image 1", "Image 2", … */
  @ApiPropertyOptional({ type: [String], maxItems: 9, example: ['ast_2f8kQ0c9ZmLr4TnB7xYw1VdE'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(9)
  @IsString({ each: true })
  @Matches(/^ast_[0-9A-Za-z]{24}$/, { each: true, message: 'each assetIds item must be an asset id (ast_…)' })
  assetIds?: string[];
}
