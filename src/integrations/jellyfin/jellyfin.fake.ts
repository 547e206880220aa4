/**
 * Jellyfin webhook body builders for tests, and the Handlebars template we recommend.
 *
 * Source: jellyfin-plugin-webhook v21 (`616010ce`, Jellyfin 10.11), "Generic" destination, as written
 * up in design/contracts.md §4.1 and read from `Helpers/DataObjectHelpers.cs` and
 * `Helpers/HandlebarsFunctionHelpers.cs`. The builders return exactly what
 * {@link JELLYFIN_ITEM_ADDED_TEMPLATE} renders: PascalCase keys, `Year`/`SeasonNumber`/
 * `EpisodeNumber`/`EpisodeNumberEnd` as unquoted numbers (left out when Jellyfin has no value),
 * provider ids as strings (`""` when the item has none yet), and GUIDs in the dashed `D` format that
 * Handlebars' `ToString()` produces. (That GUID rendering is inferred, not captured: contracts.md §9.)
 */

import { JELLYFIN_ITEM_ADDED_TEMPLATE } from './jellyfin.webhook-template.js';

export { JELLYFIN_ITEM_ADDED_TEMPLATE };

/**
 * The plugin's data dictionary (the variables the template can use), as far as the template reads
 * it. GUIDs may be given with or without dashes.
 */
export interface JellyfinTemplateData {
  NotificationType: string;
  ServerId?: string;
  ServerName?: string;
  ItemType?: string;
  ItemId?: string;
  Name?: string;
  Year?: number;
  SeriesId?: string;
  SeriesName?: string;
  SeasonNumber?: number;
  EpisodeNumber?: number;
  EpisodeNumberEnd?: number;
  Provider_tmdb?: string;
  Provider_tvdb?: string;
  Provider_imdb?: string;
}

export const FAKE_JELLYFIN_SERVER_ID = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';

/** `D` format, as `Guid.ToString()` renders it: 8-4-4-4-12 lowercase hex. */
export function dashedGuid(id: string): string {
  const hex = id.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return id;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The JSON that {@link JELLYFIN_ITEM_ADDED_TEMPLATE} renders for a data dictionary. */
export function jellyfinTemplateBody(data: JellyfinTemplateData) {
  return {
    NotificationType: data.NotificationType,
    ServerId: data.ServerId ?? FAKE_JELLYFIN_SERVER_ID,
    ServerName: data.ServerName ?? 'jellyfin',
    ItemType: data.ItemType ?? '',
    ItemId: data.ItemId === undefined ? '' : dashedGuid(data.ItemId),
    Name: data.Name ?? '',
    ...(data.Year !== undefined && { Year: data.Year }),
    SeriesId: data.SeriesId === undefined ? '' : dashedGuid(data.SeriesId),
    SeriesName: data.SeriesName ?? '',
    ...(data.SeasonNumber !== undefined && { SeasonNumber: data.SeasonNumber }),
    ...(data.EpisodeNumber !== undefined && { EpisodeNumber: data.EpisodeNumber }),
    ...(data.EpisodeNumberEnd !== undefined && { EpisodeNumberEnd: data.EpisodeNumberEnd }),
    Provider_tmdb: data.Provider_tmdb ?? '',
    Provider_tvdb: data.Provider_tvdb ?? '',
    Provider_imdb: data.Provider_imdb ?? '',
  };
}

/** ItemAdded for a Movie. Leave the provider ids out to mimic an item sent before they were known. */
export function jellyfinItemAddedMovie(input: {
  /** Jellyfin item id, 32 hex (dashes optional); rendered dashed. */
  itemId: string;
  name: string;
  year?: number;
  tmdbId?: number;
  imdbId?: string;
  serverName?: string;
}) {
  return jellyfinTemplateBody({
    NotificationType: 'ItemAdded',
    ...(input.serverName !== undefined && { ServerName: input.serverName }),
    ItemType: 'Movie',
    ItemId: input.itemId,
    Name: input.name,
    ...(input.year !== undefined && { Year: input.year }),
    ...(input.tmdbId !== undefined && { Provider_tmdb: String(input.tmdbId) }),
    ...(input.imdbId !== undefined && { Provider_imdb: input.imdbId }),
  });
}

/**
 * ItemAdded for an Episode. `year` is the series' production year (that is what Jellyfin sends);
 * `episodeTvdbId` is the episode's own TVDB id. Give `episodeNumberEnd` for a multi-episode file.
 */
export function jellyfinItemAddedEpisode(input: {
  /** The episode's Jellyfin item id, 32 hex (dashes optional); rendered dashed. */
  itemId: string;
  /** The series' Jellyfin item id. */
  seriesId: string;
  seriesName: string;
  year?: number;
  seasonNumber: number;
  episodeNumber: number;
  episodeNumberEnd?: number;
  /** Episode title. Default `Episode <n>`. */
  name?: string;
  episodeTvdbId?: number;
  episodeTmdbId?: number;
  episodeImdbId?: string;
}) {
  return jellyfinTemplateBody({
    NotificationType: 'ItemAdded',
    ItemType: 'Episode',
    ItemId: input.itemId,
    Name: input.name ?? `Episode ${input.episodeNumber}`,
    ...(input.year !== undefined && { Year: input.year }),
    SeriesId: input.seriesId,
    SeriesName: input.seriesName,
    SeasonNumber: input.seasonNumber,
    EpisodeNumber: input.episodeNumber,
    ...(input.episodeNumberEnd !== undefined && { EpisodeNumberEnd: input.episodeNumberEnd }),
    ...(input.episodeTmdbId !== undefined && { Provider_tmdb: String(input.episodeTmdbId) }),
    ...(input.episodeTvdbId !== undefined && { Provider_tvdb: String(input.episodeTvdbId) }),
    ...(input.episodeImdbId !== undefined && { Provider_imdb: input.episodeImdbId }),
  });
}
