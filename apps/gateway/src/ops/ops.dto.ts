import { ApiProperty } from '@nestjs/swagger';

export class HealthDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ enum: ['up'] }) status: 'up';
}

export class ReadinessDto {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty({ enum: ['ready'] }) status: 'ready';
  /** Round-trip time of `SELECT 1`, milliseconds. */
  @ApiProperty() databaseMs: number;
}
