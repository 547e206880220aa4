import { readFileSync } from 'node:fs';
import type { Observation } from '../../domain/observations.js';
import type { ParseContext, WebhookParse } from '../webhook.types.js';

/** Test helpers for the webhook parsers. */

export const RECEIVED_AT = '2026-01-22T05:00:00.000Z';
export const context: ParseContext = { receivedAt: RECEIVED_AT };

export const CAPTURE_NAMES = [
  'jellyseerr-movie-auto-approved',
  'jellyseerr-tv-auto-approved',
  'radarr-grab',
  'radarr-import',
  'sonarr-grab',
  'sonarr-import',
] as const;
export type CaptureName = (typeof CAPTURE_NAMES)[number];

/**
 * A third-party capture from shared/contracts (a sibling of the repository), parsed.
 * Abridged and partly hand-edited: see shared/contracts/SOURCES.md.
 */
export function loadCapture(name: CaptureName): unknown {
  const url = new URL(
    `../../../../shared/contracts/third-party-captures/status-tracker/${name}.json`,
    import.meta.url,
  );
  return JSON.parse(readFileSync(url, 'utf8'));
}

/** The result as a non-test event, or a thrown error that shows what came back instead. */
export function expectEvent(result: WebhookParse): Extract<WebhookParse, { kind: 'event' }> {
  if (!result.ok || result.kind !== 'event')
    throw new Error(`expected an event, got ${JSON.stringify(result)}`);
  return result;
}

/** The only observation of an event. */
export function expectOne(result: WebhookParse): Observation {
  const { observations } = expectEvent(result);
  if (observations.length !== 1) {
    throw new Error(`expected one observation, got ${JSON.stringify(observations)}`);
  }
  return observations[0]!;
}

/** The error of a failed parse. */
export function expectError(result: WebhookParse): string {
  if (result.ok) throw new Error(`expected a parse failure, got ${JSON.stringify(result)}`);
  return result.error;
}

/** A deep copy that a test may change freely. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** A shallow copy without `keys` (to mimic Newtonsoft leaving null fields out). */
export function omit<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...value } as Record<PropertyKey, unknown>;
  for (const key of keys) delete copy[key];
  return copy as Omit<T, K>;
}
