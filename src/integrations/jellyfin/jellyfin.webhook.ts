import type { EpisodeRef, Observation } from '../../domain/observations.js';
import {
  getCaseInsensitive,
  isPlainObject,
  NOT_AN_OBJECT,
  notPayloadOf,
  parseWith,
  positive,
} from '../shared/webhook-parsing.js';
import type { ParseContext, WebhookParse, WebhookParser } from '../webhook.types.js';
import {
  JELLYFIN_KEYS,
  type JellyfinEpisodeAdded,
  type JellyfinItemAdded,
  jellyfinEpisodeAddedSchema,
  jellyfinItemAddedSchema,
} from './jellyfin.schemas.js';

/**
 * Jellyfin webhook plugin (v21) → observations. Only ItemAdded for Movie and Episode items is used
 * (design/contracts.md §4.1): it says the item is in the library. Every other notification, and
 * ItemAdded for Series/Season/Audio/..., is recorded and ignored. Pure: the same body and context
 * always give the same result.
 */

const SERVICE = 'Jellyfin';
const ITEM_ADDED = 'ItemAdded';
/** A multi-episode file spans a handful of episodes; a larger range is a broken template. */
const MAX_EPISODES_PER_FILE = 100;

export const parseJellyfinWebhook: WebhookParser = (input, context) => {
  if (!isPlainObject(input)) return { ok: false, error: NOT_AN_OBJECT };
  const body = canonicalKeys(input);

  if (body.ItemType !== undefined && body.ItemType !== null && typeof body.ItemType !== 'string') {
    return { ok: false, error: 'ItemType: expected a string such as "Movie"' };
  }
  const itemType = typeof body.ItemType === 'string' ? body.ItemType.trim() : '';
  let notificationType = body.NotificationType;
  if (notificationType === undefined || notificationType === null || notificationType === '') {
    // A template that leaves NotificationType out but describes an item can only be ItemAdded.
    if (itemType === '') {
      return { ok: false, error: notPayloadOf(SERVICE, 'NotificationType missing', input) };
    }
    notificationType = ITEM_ADDED;
  }
  if (typeof notificationType !== 'string') {
    return { ok: false, error: notPayloadOf(SERVICE, 'NotificationType is not a string', input) };
  }
  const eventType = notificationType.trim();
  if (eventType.toLowerCase() !== ITEM_ADDED.toLowerCase()) return ignored(eventType);

  const withType = { ...body, NotificationType: eventType };
  switch (itemType.toLowerCase()) {
    case 'movie':
      return parseMovie(withType, eventType, context);
    case 'episode':
      return parseEpisode(withType, eventType, context);
    case '':
      return { ok: false, error: `${eventType}: ItemType: missing, expected a string such as "Movie"` };
    default:
      // Series, Season, MusicAlbum, Audio, Video, ...: not something a request waits for.
      return ignored(eventType);
  }
};

/** The keys we read, under their canonical names, whatever case the template used. */
function canonicalKeys(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of JELLYFIN_KEYS) {
    const value = getCaseInsensitive(body, key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function parseMovie(body: Record<string, unknown>, eventType: string, context: ParseContext): WebhookParse {
  const parsed = parseWith(jellyfinItemAddedSchema, body, `${eventType} Movie`);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const observation: Observation = {
    kind: 'available',
    jellyfinId: p.ItemId,
    source: 'jellyfin',
    at: observedAt(p, context),
    media: {
      mediaType: 'movie',
      tmdbId: positive(p.Provider_tmdb),
      imdbId: p.Provider_imdb,
      title: p.Name,
      year: positive(p.Year),
      jellyfinId: p.ItemId,
    },
  };
  return { ok: true, kind: 'event', eventType, observations: [observation] };
}

function parseEpisode(body: Record<string, unknown>, eventType: string, context: ParseContext): WebhookParse {
  const parsed = parseWith(jellyfinEpisodeAddedSchema, body, `${eventType} Episode`);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const episodes = episodeRefs(p);
  if (!episodes.ok) return { ok: false, error: `${eventType} Episode: ${episodes.error}` };
  const observation: Observation = {
    kind: 'available',
    jellyfinId: p.ItemId,
    source: 'jellyfin',
    at: observedAt(p, context),
    media: {
      mediaType: 'tv',
      title: p.SeriesName,
      year: positive(p.Year),
      jellyfinId: p.SeriesId,
    },
    episodes: episodes.value,
  };
  return { ok: true, kind: 'event', eventType, observations: [observation] };
}

/**
 * One ref per episode of the file (`EpisodeNumber`..`EpisodeNumberEnd`). The item's provider ids
 * and name belong to its first episode, so only that one carries the TVDB id and title.
 */
function episodeRefs(
  p: JellyfinEpisodeAdded,
): { ok: true; value: EpisodeRef[] } | { ok: false; error: string } {
  const first = p.EpisodeNumber;
  const last = p.EpisodeNumberEnd !== undefined && p.EpisodeNumberEnd > first ? p.EpisodeNumberEnd : first;
  if (last - first + 1 > MAX_EPISODES_PER_FILE) {
    return {
      ok: false,
      error: `EpisodeNumberEnd: ${last} is more than ${MAX_EPISODES_PER_FILE} episodes after EpisodeNumber ${first}`,
    };
  }
  const refs: EpisodeRef[] = [];
  for (let n = first; n <= last; n++) {
    refs.push({
      seasonNumber: p.SeasonNumber,
      episodeNumber: n,
      ...(n === first && { tvdbId: positive(p.Provider_tvdb), title: first === last ? p.Name : undefined }),
      jellyfinId: p.ItemId,
    });
  }
  return { ok: true, value: refs };
}

const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * `UtcTimestamp` when it is an ISO 8601 date-time (SendAllProperties); a zone-less value is UTC, as
 * the name says. Handlebars renders DateTime in the server's culture (`1/22/2026 4:36:40 AM`), which
 * cannot be read reliably, so then the receive time is used.
 */
function observedAt(p: JellyfinItemAdded, context: ParseContext): string {
  const value = p.UtcTimestamp;
  if (typeof value !== 'string') return context.receivedAt;
  const match = ISO_DATE_TIME.exec(value.trim());
  if (!match) return context.receivedAt;
  const fraction = (match[2] ?? '').slice(0, 4);
  const rawZone = (match[3] ?? 'Z').toUpperCase();
  const zone = /^[+-]\d{4}$/.test(rawZone) ? `${rawZone.slice(0, 3)}:${rawZone.slice(3)}` : rawZone;
  const time = Date.parse(`${match[1]}${fraction}${zone}`);
  return Number.isNaN(time) ? context.receivedAt : new Date(time).toISOString();
}

function ignored(eventType: string): WebhookParse {
  return { ok: true, kind: 'event', eventType, observations: [] };
}
