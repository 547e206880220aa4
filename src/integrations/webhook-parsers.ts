import { parseJellyfinWebhook } from './jellyfin/jellyfin.webhook.js';
import { parseJellyseerrWebhook } from './jellyseerr/jellyseerr.webhook.js';
import { parseRadarrWebhook } from './radarr/radarr.webhook.js';
import { parseSonarrWebhook } from './sonarr/sonarr.webhook.js';
import type { WebhookParser, WebhookSource } from './webhook.types.js';

/** The webhook parser of each `POST /hooks/{source}`. */
export const webhookParsers = {
  jellyseerr: parseJellyseerrWebhook,
  radarr: parseRadarrWebhook,
  sonarr: parseSonarrWebhook,
  jellyfin: parseJellyfinWebhook,
} satisfies Record<WebhookSource, WebhookParser>;
