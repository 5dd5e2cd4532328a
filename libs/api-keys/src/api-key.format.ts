import { createHash } from 'node:crypto';
import { randomBase62 } from '@app/common';
import type { ApiKeyMode } from './api-key.entity';

/** Random part length: 40 base62 characters ≈ 238 bits from the CSPRNG. */
const RANDOM_LENGTH = 40;
export const KEY_PATTERN = /^ak_(live|test)_[0-9A-Za-z]{32,128}$/;
export const PREFIX_LENGTH = 12;

export function generateKey(mode: ApiKeyMode): string {
  return `ak_${mode}_${randomBase62(RANDOM_LENGTH)}`;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
