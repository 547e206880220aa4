import { z } from 'zod';
import {
  describeValue,
  intLike,
  optionalIntLike,
  optionalTextLike as text,
} from '../shared/webhook-parsing.js';

/**
 * jellyfin-plugin-webhook v21 (`616010ce`, Jellyfin 10.11) "Generic" destination, ItemAdded
 * (design/contracts.md §4.1; `Helpers/DataObjectHelpers.cs`). The body is whatever the user's
 * Handlebars template renders, or the whole data dictionary with SendAllProperties. So:
 * keys are matched case-insensitively (the dictionary is `OrdinalIgnoreCase`; see
 * {@link JELLYFIN_KEYS}), numbers may be JSON numbers or strings, missing values may be absent or `""`,
 * and GUIDs are dashed (`D`, Handlebars `ToString()`) or 32 hex (`N`, SendAllProperties).
 */

/** The keys we read, in their canonical spelling; the body's keys are mapped onto these. */
export const JELLYFIN_KEYS = [
  'NotificationType',
  'ServerId',
  'ServerName',
  'UtcTimestamp',
  'ItemId',
  'ItemType',
  'Name',
  'Year',
  'SeriesId',
  'SeriesName',
  'SeasonNumber',
  'EpisodeNumber',
  'EpisodeNumberEnd',
  'Provider_tmdb',
  'Provider_tvdb',
  'Provider_imdb',
] as const;

const GUID = /^[0-9a-f]{32}$/;
const EMPTY_GUID = '0'.repeat(32);

/** A Jellyfin GUID in `D` or `N` format → 32 lowercase hex; `""`/absent/empty GUID → undefined. */
function normaliseGuid(value: unknown): { ok: true; value: string | undefined } | { ok: false } {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value !== 'string') return { ok: false };
  const compact = value
    .trim()
    .replace(/^\{|\}$/g, '')
    .replace(/-/g, '')
    .toLowerCase();
  if (compact === '' || compact === EMPTY_GUID) return { ok: true, value: undefined };
  return GUID.test(compact) ? { ok: true, value: compact } : { ok: false };
}

const GUID_EXPECTED = 'expected a Jellyfin id (32 hex digits, dashes allowed)';

/** A Jellyfin item id, normalised to 32 lowercase hex. */
export const jellyfinId = z.any().transform((value: unknown, ctx): string => {
  const result = normaliseGuid(value);
  if (result.ok && result.value !== undefined) return result.value;
  const missing = result.ok;
  ctx.addIssue({
    code: 'custom',
    message: missing ? `missing, ${GUID_EXPECTED}` : `${GUID_EXPECTED}, got ${describeValue(value)}`,
    input: value,
  });
  return z.NEVER;
});

/** Like {@link jellyfinId}, but absent or `""` is allowed. */
export const optionalJellyfinId = z
  .any()
  .transform((value: unknown, ctx): string | undefined => {
    const result = normaliseGuid(value);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: `${GUID_EXPECTED}, got ${describeValue(value)}`, input: value });
    return z.NEVER;
  })
  .optional();

/** Fields every ItemAdded Movie/Episode needs. */
export const jellyfinItemAddedSchema = z.looseObject({
  NotificationType: z.string(),
  ItemType: z.string(),
  ItemId: jellyfinId,
  Name: text,
  /** Production year; for episodes the series' year. */
  Year: optionalIntLike,
  /** DateTime: ISO 8601 with SendAllProperties, culture-formatted in a Handlebars template. */
  UtcTimestamp: z.unknown().optional(),
  /** For episodes these are the episode's own provider ids. */
  Provider_tmdb: optionalIntLike,
  Provider_tvdb: optionalIntLike,
  Provider_imdb: text,
});

export const jellyfinEpisodeAddedSchema = jellyfinItemAddedSchema.extend({
  SeriesId: optionalJellyfinId,
  SeriesName: text,
  SeasonNumber: intLike,
  EpisodeNumber: intLike,
  /** Last episode of a multi-episode file. */
  EpisodeNumberEnd: optionalIntLike,
});

export type JellyfinItemAdded = z.output<typeof jellyfinItemAddedSchema>;
export type JellyfinEpisodeAdded = z.output<typeof jellyfinEpisodeAddedSchema>;
