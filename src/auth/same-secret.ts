import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a presented secret (key, token, password) is the expected one, in a time that does not
 * depend on where they differ or on their lengths (both are hashed first).
 */
export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
