import type { Observation } from '../domain/observations.js';

export const WEBHOOK_SOURCES = ['jellyseerr', 'radarr', 'sonarr', 'jellyfin'] as const;
export type WebhookSource = (typeof WEBHOOK_SOURCES)[number];

/** A health report carried by a webhook (Radarr/Sonarr `Health`/`HealthRestored`). */
export interface HealthReport {
  level: string;
  message: string;
  restored: boolean;
}

/**
 * What a webhook parser makes of one body. Parsing is pure and deterministic: the door runs it to
 * answer 400/200/202, and the inbox worker runs it again on the stored body to get observations.
 */
export type WebhookParse =
  | { ok: true; kind: 'test'; eventType: string }
  | {
      ok: true;
      kind: 'event';
      /** The service's own event name (`Grab`, `MEDIA_APPROVED`, `ItemAdded`). */
      eventType: string;
      /** Normalised facts. Empty for events we record but do not use. */
      observations: Observation[];
      health?: HealthReport | undefined;
    }
  | { ok: false; error: string };

export interface ParseContext {
  /** ISO 8601 UTC time the tracker received the body; the `at` of facts whose payload has no time. */
  receivedAt: string;
}

export type WebhookParser = (body: unknown, context: ParseContext) => WebhookParse;
