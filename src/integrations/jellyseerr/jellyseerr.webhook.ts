import type { MediaRef, Observation, ObservationFact } from '../../domain/observations.js';
import {
  describeValue,
  isPlainObject,
  NOT_AN_OBJECT,
  nonEmpty,
  notPayloadOf,
  parseWith,
} from '../shared/webhook-parsing.js';
import type { WebhookParser } from '../webhook.types.js';
import { type JellyseerrMediaNotification, jellyseerrMediaNotificationSchema } from './jellyseerr.schemas.js';

/**
 * Jellyseerr / Seerr webhook (default template) → observations. Checked against
 * design/contracts.md §3.1. Pure: the same body and context always give the same result.
 */

const SERVICE = 'Jellyseerr';

/** The `MEDIA_*` notification types we use, and the fact each one states. */
const MEDIA_FACTS: Readonly<Record<string, ObservationFact>> = {
  MEDIA_PENDING: { kind: 'requested' },
  MEDIA_AUTO_REQUESTED: { kind: 'requested' },
  MEDIA_APPROVED: { kind: 'approved', automatic: false },
  MEDIA_AUTO_APPROVED: { kind: 'approved', automatic: true },
  MEDIA_DECLINED: { kind: 'declined' },
  MEDIA_FAILED: { kind: 'request_failed' },
  MEDIA_AVAILABLE: { kind: 'available_hint' },
};

const REQUESTED_SEASONS = 'requested seasons';

export const parseJellyseerrWebhook: WebhookParser = (body, context) => {
  if (!isPlainObject(body)) return { ok: false, error: NOT_AN_OBJECT };
  const type = body.notification_type;
  if (type === undefined || type === null) {
    return { ok: false, error: notPayloadOf(SERVICE, 'notification_type missing', body) };
  }
  if (typeof type !== 'string' || type.trim() === '') {
    return { ok: false, error: notPayloadOf(SERVICE, 'notification_type is not a non-empty string', body) };
  }
  const eventType = type.trim();
  if (eventType === 'TEST_NOTIFICATION') return { ok: true, kind: 'test', eventType };

  const fact = Object.hasOwn(MEDIA_FACTS, eventType) ? MEDIA_FACTS[eventType] : undefined;
  // ISSUE_* and types added later: recorded, not used.
  if (!fact) return { ok: true, kind: 'event', eventType, observations: [] };

  const parsed = parseWith(jellyseerrMediaNotificationSchema, body, eventType);
  if (!parsed.ok) return parsed;
  const p = parsed.value;

  const seasons = p.media.media_type === 'tv' ? requestedSeasons(p) : { ok: true as const, value: undefined };
  if (!seasons.ok) return { ok: false, error: `${eventType}: ${seasons.error}` };

  const observation: Observation = {
    ...fact,
    source: 'jellyseerr',
    at: context.receivedAt,
    media: media(p),
    jellyseerrRequestId: p.request.request_id,
    requestedBy: nonEmpty(p.request.requestedBy_username) ?? nonEmpty(p.request.requestedBy_email),
    requestedSeasons: seasons.value,
  };
  return { ok: true, kind: 'event', eventType, observations: [observation] };
};

function media(p: JellyseerrMediaNotification): MediaRef {
  const { title, year } = splitSubject(p.subject);
  return {
    mediaType: p.media.media_type,
    tmdbId: p.media.tmdbId,
    tvdbId: p.media.media_type === 'tv' ? p.media.tvdbId : undefined,
    title,
    year,
    posterUrl: nonEmpty(p.image),
  };
}

/** `"Violet Evergarden: The Movie (2020)"` → title and year; a subject without a year is all title. */
export function splitSubject(subject: string | null | undefined): { title?: string; year?: number } {
  const text = nonEmpty(subject);
  if (!text) return {};
  const match = /^(.*\S)\s*\((\d{4})\)$/.exec(text);
  if (!match?.[1] || !match[2]) return { title: text };
  return { title: match[1], year: Number(match[2]) };
}

/** The `extra` item "Requested Seasons" (`"1, 2, 3"` or `"1,2"`) as sorted unique season numbers. */
function requestedSeasons(
  p: JellyseerrMediaNotification,
): { ok: true; value: number[] | undefined } | { ok: false; error: string } {
  const extra = p.extra ?? [];
  const index = extra.findIndex((item) => item.name?.trim().toLowerCase() === REQUESTED_SEASONS);
  const item = extra[index];
  if (!item) return { ok: true, value: undefined };
  const tokens = (item.value ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
  const seasons = new Set<number>();
  for (const token of tokens) {
    if (!/^\d+$/.test(token)) {
      return {
        ok: false,
        error: `extra[${index}].value: expected season numbers like "1, 2", got ${describeValue(item.value)}`,
      };
    }
    seasons.add(Number(token));
  }
  if (seasons.size === 0) return { ok: true, value: undefined };
  return { ok: true, value: [...seasons].sort((a, b) => a - b) };
}
