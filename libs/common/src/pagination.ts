import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DomainException } from './errors/domain.exception';

export class PageQueryDto {
  /** Page size, 1–100. */
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** Opaque cursor from the previous page's `nextCursor`. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor returned by a previous page' })
  cursor?: string;
}

export interface Page<T> {
  ok: true;
  data: T[];
  nextCursor: string | null;
}

/** Cursors are the last row's sort key, base64url-encoded so clients treat them as opaque. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9_]{1,100}$/.test(key)) {
    throw new DomainException('invalid_request', 'Invalid cursor', [{ field: 'cursor', message: 'not a cursor this API issued' }]);
  }
  return key;
}

/** Takes `limit + 1` rows fetched newest first and builds the page with the next cursor. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  return { ok: true, data, nextCursor: more && data.length > 0 ? encodeCursor(keyOf(data[data.length - 1])) : null };
}
