import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { OPERATOR_STATUSES, type OperatorStatus } from './operator.entity';
import { MIN_PASSWORD_LENGTH } from './password';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class LoginDto {
  @ApiProperty({ example: 'admin@example.com', maxLength: 254 })
  @Transform(trim)
  @IsString()
  @Length(1, 254)
  email: string;

  @ApiProperty({ maxLength: 1024 })
  @IsString()
  @Length(1, 1024)
  password: string;

  /** The 6-digit code of an enrolled authenticator. Without it, a right password answers 401 `totp_required`. */
  @ApiPropertyOptional({ example: '123456', pattern: '^\\d{6}$' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Matches(/^\d{6}$/, { message: 'totp must be 6 digits' })
  totp?: string;
}

export class TotpConfirmDto {
  @ApiProperty({ example: '123456', pattern: '^\\d{6}$' })
  @Transform(trim)
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

export class OperatorDto {
  @ApiProperty({ example: 'op_0Q3x1a2B3c4D5e6F7g8H9i0J' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: OPERATOR_STATUSES }) status: OperatorStatus;
  /** Whether an authenticator is enrolled (otherwise the next login enrolls one). */
  @ApiProperty() totpEnrolled: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class LoginResponseDto {
  @ApiProperty({ enum: [true] }) ok: true;
  /** Present when the login is complete. */
  @ApiPropertyOptional({ type: OperatorDto }) operator?: OperatorDto;
  /** True when the operator must enroll an authenticator first (the session reaches only the TOTP routes). */
  @ApiPropertyOptional() enrollmentRequired?: boolean;
  /** Send as `X-CSRF-Token` on every state-changing request made with this session. */
  @ApiProperty() csrfToken: string;
}

export class SessionResponseDto extends LoginResponseDto {
  @ApiProperty({ enum: ['enrollment', 'full'] }) stage: 'enrollment' | 'full';
}

export class TotpSetupResponseDto {
  @ApiProperty({ enum: [true] }) ok: true;
  /** Base32, 160 bits. Shown during enrollment only; stored encrypted. */
  @ApiProperty() secret: string;
  @ApiProperty({ example: 'otpauth://totp/Credit%20Gateway:admin%40example.com?secret=…&issuer=Credit%20Gateway' }) otpauthUrl: string;
  /** A QR code of `otpauthUrl` as SVG, when the server can draw one. */
  @ApiPropertyOptional() qrSvg?: string;
}

export class OkDto {
  @ApiProperty({ enum: [true] }) ok: true;
}

export class CreateOperatorDto {
  @ApiProperty({ maxLength: 254, example: 'colleague@example.com' })
  @Transform(trim)
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email: string;

  /** At least 12 characters; they sign in with it and enroll an authenticator. */
  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 })
  @IsString()
  @Length(MIN_PASSWORD_LENGTH, 1024)
  password: string;
}

export class OperatorResponseDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: OperatorDto }) operator: OperatorDto;
}

export class OperatorListDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ type: [OperatorDto] }) data: OperatorDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class RevokedSessionsDto {
  @ApiProperty({ enum: [true] }) ok: true;
  /** How many live sessions were ended. */
  @ApiProperty({ type: 'integer' }) revoked: number;
}
