import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEnum,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
  type ValidationArguments,
  registerDecorator,
} from 'class-validator';
import { presentImageSources } from './reference-image';

export enum ReferenceStrength {
  LOW = 'LOW',
  MID = 'MID',
  HIGH = 'HIGH',
}

/** One image given by exactly one of three sources. */
export class ImageSourceDto {
  /** A public HTTPS URL of a PNG, JPEG or WebP image (at most 10 MiB). Private, loopback and other non-public addresses are refused. */
  @ApiPropertyOptional({ example: 'https://example.com/cat.png', maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @Matches(/^https:\/\//i, { message: 'must be an https URL' })
  imageUrl?: string;

  /** A data URL: `data:image/png|jpeg|webp;base64,…`; the declared type must match the bytes. */
  @ApiPropertyOptional({ example: 'data:image/png;base64,iVBORw0KGgo…' })
  @IsOptional()
  @IsString()
  @Matches(/^data:image\/(?:png|jpeg|webp);base64,/i, { message: 'must start with data:image/png|jpeg|webp;base64,' })
  dataUrl?: string;

  /** The image bytes as bare base64 (no `data:` prefix). */
  @ApiPropertyOptional({ example: 'iVBORw0KGgo…' })
  @IsOptional()
  @IsString()
  base64?: string;
}

export class ReferenceImageDto extends ImageSourceDto {
  /** How strongly the output follows the reference image. */
  @ApiPropertyOptional({ enum: ReferenceStrength, enumName: 'ReferenceStrength', default: ReferenceStrength.MID })
  @IsOptional()
  @IsEnum(ReferenceStrength, { message: 'must be one of LOW, MID, HIGH' })
  strength: ReferenceStrength = ReferenceStrength.MID;
}

/** Validates that an object property holds exactly one image source; the error names the property. */
export function HasExactlyOneImageSource(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'hasExactlyOneImageSource',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => value === null || typeof value !== 'object' || presentImageSources(value).length === 1,
        defaultMessage: (args?: ValidationArguments) => {
          const value = args?.value as Record<string, unknown> | undefined;
          const got = value && typeof value === 'object' ? presentImageSources(value) : [];
          return got.length === 0 ? 'needs one of imageUrl, dataUrl or base64' : `needs exactly one of imageUrl, dataUrl or base64 (got ${got.join(', ')})`;
        },
      },
    });
  };
}

/**
 * Everything a request DTO needs for an optional `referenceImage` member (CONTRACT.md §2.1):
 * `@ReferenceImageField() referenceImage?: ReferenceImageDto;`
 */
export function ReferenceImageField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: () => ReferenceImageDto, description: 'Optional reference image: exactly one of imageUrl, dataUrl or base64, plus strength.' }),
    IsOptional(),
    IsObject({ message: 'must be an object' }),
    HasExactlyOneImageSource(),
    ValidateNested(),
    Type(() => ReferenceImageDto),
  );
}
