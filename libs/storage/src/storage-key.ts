/**
 * Object keys are ours (`results/job_…/output.mp4`), never a customer's path. A strict pattern keeps
 * them safe as file paths and URL paths alike: segments of [A-Za-z0-9_.-] that start with a letter
 * or digit (so no `.`, `..` or hidden files), no empty segments, no backslashes, no percent signs.
 */
const SEGMENT = '[A-Za-z0-9][A-Za-z0-9_.-]{0,127}';
const KEY_PATTERN = new RegExp(`^${SEGMENT}(?:/${SEGMENT}){0,7}$`);

export function isValidStorageKey(key: string): boolean {
  return key.length <= 512 && KEY_PATTERN.test(key) && !key.includes('..');
}

export function assertValidStorageKey(key: string): void {
  if (!isValidStorageKey(key)) {
    // Keys come from our own code, so a bad one is a bug, not a client error.
    throw new Error(`Invalid storage key ${JSON.stringify(key.slice(0, 80))}`);
  }
}
