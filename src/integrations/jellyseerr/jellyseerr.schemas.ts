import { z } from 'zod';
import { intLike, optionalIntLike, optionalText } from '../shared/webhook-parsing.js';

/**
 * Jellyseerr 2.x / Seerr webhook agent, default JSON template (design/contracts.md §3.1;
 * shared/contracts/seerr/default-webhook-template.json). The template substitutes every value as a
 * string (`"tmdbId": "154494"`, missing → `""`), turns `media`/`request`/`issue`/`comment` into
 * `null` when the notification has no such entity, and `extra` into the payload's `[{name, value}]`
 * or `[]`. Numbers are accepted as JSON numbers too, for hand-edited templates. Every object tolerates
 * unknown keys (older Overseerr adds `media_imdbid`, users add their own).
 */

export const jellyseerrEnvelopeSchema = z.looseObject({
  notification_type: z.string(),
  event: optionalText,
  subject: optionalText,
  message: optionalText,
  /** TMDB poster URL, `""` when none. */
  image: optionalText,
});

export const jellyseerrMediaSchema = z.looseObject({
  media_type: z.enum(['movie', 'tv']),
  tmdbId: intLike,
  /** `""` for movies and for series without a TVDB id. */
  tvdbId: optionalIntLike,
  /** `MediaStatus` name: `UNKNOWN`, `PENDING`, `PROCESSING`, `PARTIALLY_AVAILABLE`, `AVAILABLE`, ... */
  status: optionalText,
  status4k: optionalText,
});

export const jellyseerrRequestSchema = z.looseObject({
  request_id: intLike,
  requestedBy_email: optionalText,
  /** The requester's display name. */
  requestedBy_username: optionalText,
  requestedBy_avatar: optionalText,
});

export const jellyseerrExtraSchema = z.looseObject({
  name: optionalText,
  /** `"1, 2, 3"` for "Requested Seasons". */
  value: optionalText,
});

/** A `MEDIA_*` notification: `media` and `request` must be present (not `null`). */
export const jellyseerrMediaNotificationSchema = jellyseerrEnvelopeSchema.extend({
  media: jellyseerrMediaSchema,
  request: jellyseerrRequestSchema,
  extra: z.array(jellyseerrExtraSchema).nullish(),
});

export type JellyseerrMediaNotification = z.output<typeof jellyseerrMediaNotificationSchema>;
