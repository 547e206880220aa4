import { z } from 'zod';

/**
 * Jellyfin REST API answers (contracts.md §4.2), as 10.10 and 10.11 serialise them: PascalCase
 * `BaseItemDto` inside a `QueryResult`, GUIDs in the `N` format (32 hex, no dashes), enums as
 * strings, dates as ISO 8601 (`2021-10-22T00:00:00.0000000Z`). `ProviderIds` and `Path` are only
 * sent when asked for with `fields=`; most other keys may be absent or null. Loose objects: Jellyfin
 * adds keys between versions.
 */

const GUID = /^[0-9a-f]{32}$/;

/** A Jellyfin GUID in `N` or `D` format (braces allowed) → 32 lowercase hex. */
export function normaliseJellyfinId(value: string): string | null {
  const compact = value
    .trim()
    .replace(/^\{|\}$/g, '')
    .replace(/-/g, '')
    .toLowerCase();
  return GUID.test(compact) ? compact : null;
}

const guid = z.string().transform((value, ctx): string => {
  const id = normaliseJellyfinId(value);
  if (id !== null) return id;
  ctx.addIssue({
    code: 'custom',
    message: `expected a Jellyfin id (32 hex digits), got ${JSON.stringify(value)}`,
  });
  return z.NEVER;
});

/** An optional GUID; the empty GUID and `""` mean "none". */
const optionalGuid = z
  .string()
  .nullish()
  .transform((value): string | null => {
    if (value === null || value === undefined) return null;
    const id = normaliseJellyfinId(value);
    return id === null || /^0+$/.test(id) ? null : id;
  });

/** `BaseItemDto`, as far as the tracker reads it. */
export const jellyfinItemDtoSchema = z.looseObject({
  Id: guid,
  Name: z.string().nullish(),
  OriginalTitle: z.string().nullish(),
  /** `BaseItemKind`: `Movie`, `Series`, `Season`, `Episode`, `CollectionFolder`, ... */
  Type: z.string(),
  ProductionYear: z.number().int().nullish(),
  /** `Tmdb`, `Tvdb`, `Imdb`, `TvRage`, Shokofin's `Shoko Series`/`Shoko Episode`/`Shoko File`, ...; values are strings. */
  ProviderIds: z.record(z.string(), z.string().nullable()).nullish(),
  Path: z.string().nullish(),
  SeriesId: optionalGuid,
  SeriesName: z.string().nullish(),
  SeasonId: optionalGuid,
  /** Season number of an episode. */
  ParentIndexNumber: z.number().int().nullish(),
  /** Episode number (season number for a Season). */
  IndexNumber: z.number().int().nullish(),
  /** Last episode of a multi-episode file. */
  IndexNumberEnd: z.number().int().nullish(),
  PremiereDate: z.string().nullish(),
  /** `FileSystem`, `Remote`, `Virtual` (a missing or unaired episode), `Offline`. */
  LocationType: z.string().nullish(),
  /** Not part of 10.10/10.11's `BaseItemDto`; read in case a server or proxy sends it. */
  IsMissing: z.boolean().nullish(),
});

export type JellyfinItemDto = z.output<typeof jellyfinItemDtoSchema>;

/** `QueryResult<BaseItemDto>`. `StartIndex` is missing in some controllers' answers. */
export const jellyfinItemsResultSchema = z.looseObject({
  Items: z.array(jellyfinItemDtoSchema),
  TotalRecordCount: z.number().int().nullish(),
  StartIndex: z.number().int().nullish(),
});

/** `GET /System/Info` (`SystemInfo`); `Id` is the server id the webhook plugin sends as `ServerId`. */
export const jellyfinSystemInfoSchema = z.looseObject({
  Version: z.string(),
  ServerName: z.string().nullish(),
  Id: z.string().nullish(),
});

/**
 * `POST /Users/AuthenticateByName` (`AuthenticationResult`): the user with its policy, an access
 * token for that user's new session, and the server id.
 */
export const jellyfinAuthenticationResultSchema = z.looseObject({
  User: z.looseObject({
    Id: guid,
    Name: z.string().min(1),
    Policy: z.looseObject({ IsAdministrator: z.boolean() }),
  }),
  AccessToken: z.string().min(1),
  ServerId: z.string().nullish(),
});
