import type {
  ClientDownloadState,
  DownloadRef,
  EpisodeRef,
  ImportedFile,
  MediaRef,
  Observation,
  ObservationFact,
  ObservationSource,
  StoredObservation,
} from './observations.js';
import type { MediaType } from './states.js';
import type { StuckThresholds } from './stuck.js';

/** Thresholds no test of the facts alone ever reaches: time-based problems stay out of the way. */
export const NEVER_STUCK: StuckThresholds = {
  noReleaseMinutes: Number.POSITIVE_INFINITY,
  stalledMinutes: Number.POSITIVE_INFINITY,
  metadataMinutes: Number.POSITIVE_INFINITY,
  notImportedMinutes: Number.POSITIVE_INFINITY,
  notInLibraryMinutes: Number.POSITIVE_INFINITY,
  animeMatchMinutes: Number.POSITIVE_INFINITY,
  slowMinutes: null,
};

/**
 * Builders for observation paths in tests. Each call appends one observation with the next id and a
 * time one step after the previous one, so the list is in "natural" order; tests shuffle it.
 */

export const HASH_A = 'A'.repeat(40);
export const HASH_B = 'B'.repeat(40);
export const HASH_C = 'C'.repeat(40);
export const HASH_D = 'D'.repeat(40);
export const HASH_E = 'E'.repeat(40);

export const MOVIE_MEDIA: MediaRef = {
  mediaType: 'movie',
  tmdbId: 378064,
  imdbId: 'tt7078780',
  title: 'A Silent Voice',
  year: 2016,
};

export const SERIES_MEDIA: MediaRef = {
  mediaType: 'tv',
  tmdbId: 65844,
  tvdbId: 305074,
  title: 'Horimiya',
  year: 2021,
};

/** An episode reference with Sonarr's ids and an air date in early 2021 (aired). */
export function ep(seasonNumber: number, episodeNumber: number, extra: Partial<EpisodeRef> = {}): EpisodeRef {
  const day = String(Math.min(28, episodeNumber)).padStart(2, '0');
  return {
    seasonNumber,
    episodeNumber,
    sonarrEpisodeId: seasonNumber * 1000 + episodeNumber,
    title: `Episode ${episodeNumber}`,
    airDate: `2021-01-${day}`,
    airDateUtc: `2021-01-${day}T15:00:00Z`,
    ...extra,
  };
}

export function episodeRange(seasonNumber: number, from: number, to: number): EpisodeRef[] {
  const list: EpisodeRef[] = [];
  for (let n = from; n <= to; n++) list.push(ep(seasonNumber, n));
  return list;
}

/** Fields every builder method accepts to override the defaults. */
export interface Extra {
  at?: string;
  source?: ObservationSource;
  episodes?: EpisodeRef[];
  media?: Partial<MediaRef>;
  requestedBy?: string;
  requestedSeasons?: number[];
  jellyseerrRequestId?: number;
}

export interface DownloadSpec {
  id: string;
  name?: string;
  sizeBytes?: number;
  client?: string;
  clientType?: string;
}

export function createObservationBuilder({
  mediaType,
  media,
  start = '2026-01-10T12:00:00Z',
  stepSeconds = 60,
  firstId = 1,
}: {
  mediaType: MediaType;
  media?: Partial<MediaRef>;
  start?: string;
  stepSeconds?: number;
  firstId?: number;
}) {
  const baseMedia: MediaRef = { ...(mediaType === 'movie' ? MOVIE_MEDIA : SERIES_MEDIA), ...media };
  const arr: ObservationSource = mediaType === 'movie' ? 'radarr' : 'sonarr';
  const arrRef = {
    app: arr as 'radarr' | 'sonarr',
    instance: mediaType === 'movie' ? 'Radarr' : 'Sonarr',
    id: 7,
  };
  const all: StoredObservation[] = [];
  let id = firstId;
  let time = Date.parse(start);

  function add(
    fact: ObservationFact,
    defaultSource: ObservationSource,
    extra: Extra = {},
  ): StoredObservation {
    const at = extra.at ?? new Date(time).toISOString();
    time += stepSeconds * 1000;
    const observation: Observation = {
      ...fact,
      source: extra.source ?? defaultSource,
      at,
      media: {
        ...baseMedia,
        ...(defaultSource === arr ? { arr: arrRef } : {}),
        ...extra.media,
      },
      ...(extra.episodes ? { episodes: extra.episodes } : {}),
      ...(extra.requestedBy ? { requestedBy: extra.requestedBy } : {}),
      ...(extra.requestedSeasons ? { requestedSeasons: extra.requestedSeasons } : {}),
      ...(extra.jellyseerrRequestId !== undefined ? { jellyseerrRequestId: extra.jellyseerrRequestId } : {}),
    } as Observation;
    const stored = { ...observation, id: id++ } as StoredObservation;
    all.push(stored);
    return stored;
  }

  const download = (spec: DownloadSpec): DownloadRef => ({
    id: spec.id,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    ...(spec.sizeBytes !== undefined ? { sizeBytes: spec.sizeBytes } : {}),
    ...(spec.client !== undefined ? { client: spec.client } : {}),
    ...(spec.clientType !== undefined ? { clientType: spec.clientType } : {}),
  });

  const jellyseerr = (extra: Extra): Extra => ({
    requestedBy: 'alice',
    jellyseerrRequestId: 42,
    ...(mediaType === 'tv' ? { requestedSeasons: [1] } : {}),
    ...extra,
  });

  return {
    all,
    requested: (extra: Extra = {}) => add({ kind: 'requested' }, 'jellyseerr', jellyseerr(extra)),
    approved: (extra: Extra & { automatic?: boolean } = {}) =>
      add({ kind: 'approved', automatic: extra.automatic ?? true }, 'jellyseerr', jellyseerr(extra)),
    declined: (extra: Extra = {}) => add({ kind: 'declined' }, 'jellyseerr', jellyseerr(extra)),
    requestFailed: (extra: Extra = {}) => add({ kind: 'request_failed' }, 'jellyseerr', jellyseerr(extra)),
    availableHint: (extra: Extra = {}) => add({ kind: 'available_hint' }, 'jellyseerr', jellyseerr(extra)),
    added: (extra: Extra = {}) => add({ kind: 'added' }, arr, extra),
    grabbed: (spec: DownloadSpec & Extra) =>
      add(
        {
          kind: 'grabbed',
          download: download({ client: 'qBittorrent', clientType: 'qBittorrent', ...spec }),
          releaseTitle: spec.name,
        },
        arr,
        spec,
      ),
    progress: (
      spec: DownloadSpec &
        Extra & { fraction: number; clientState?: ClientDownloadState; etaSeconds?: number; speed?: number },
    ) =>
      add(
        {
          kind: 'download_progress',
          download: download({ ...spec, id: spec.id.toLowerCase() }),
          fraction: spec.fraction,
          clientState: spec.clientState ?? (spec.fraction >= 1 ? 'completed' : 'downloading'),
          etaSeconds: spec.etaSeconds ?? null,
          ...(spec.speed !== undefined ? { speedBytesPerSecond: spec.speed } : {}),
        },
        'downloader',
        spec,
      ),
    completed: (spec: DownloadSpec & Extra) =>
      add(
        { kind: 'download_completed', download: download({ ...spec, id: spec.id.toLowerCase() }) },
        'downloader',
        spec,
      ),
    failed: (spec: DownloadSpec & Extra & { reason: string }) =>
      add({ kind: 'download_failed', download: download(spec), reason: spec.reason }, arr, spec),
    blocked: (spec: DownloadSpec & Extra & { messages: string[] }) =>
      add({ kind: 'import_blocked', download: download(spec), messages: spec.messages }, arr, spec),
    imported: (
      spec: Partial<DownloadSpec> &
        Extra & { files: ImportedFile[]; isUpgrade?: boolean; withoutDownload?: boolean },
    ) =>
      add(
        {
          kind: 'imported',
          ...(spec.id !== undefined && !spec.withoutDownload
            ? { download: download({ ...spec, id: spec.id }) }
            : {}),
          files: spec.files,
          isUpgrade: spec.isUpgrade ?? false,
        },
        arr,
        spec,
      ),
    fileDeleted: (spec: Extra & { fileIds: number[]; reason?: string }) =>
      add({ kind: 'file_deleted', fileIds: spec.fileIds, reason: spec.reason ?? 'manual' }, arr, spec),
    animeMatched: (spec: Extra & { path: string }) =>
      add({ kind: 'anime_matched', path: spec.path }, 'shoko', spec),
    animeNotMatched: (spec: Extra & { path: string; reason: string }) =>
      add({ kind: 'anime_not_matched', path: spec.path, reason: spec.reason }, 'shoko', spec),
    available: (extra: Extra & { jellyfinId?: string } = {}) =>
      add(
        { kind: 'available', ...(extra.jellyfinId ? { jellyfinId: extra.jellyfinId } : {}) },
        'jellyfin',
        extra,
      ),
    deleted: (extra: Extra = {}) => add({ kind: 'deleted' }, arr, extra),
  };
}

export type ObservationBuilder = ReturnType<typeof createObservationBuilder>;

export const GB = 1024 ** 3;

/** Library path of an episode file. */
export function episodePath(e: { seasonNumber: number; episodeNumber: number }, root = '/data/tv'): string {
  const code = `S${String(e.seasonNumber).padStart(2, '0')}E${String(e.episodeNumber).padStart(2, '0')}`;
  return `${root}/Horimiya/Season ${e.seasonNumber}/Horimiya - ${code}.mkv`;
}

// ---------------------------------------------------------------------------------------------
// Full paths used by the property tests

/** A regular movie from request to Jellyfin, one download. */
export function regularMoviePath(): StoredObservation[] {
  const b = createObservationBuilder({ mediaType: 'movie' });
  b.requested();
  b.approved();
  b.added();
  b.grabbed({ id: HASH_A, name: 'A.Silent.Voice.2016.1080p', sizeBytes: 8 * GB });
  b.progress({ id: HASH_A, fraction: 0.2, etaSeconds: 600 });
  b.progress({ id: HASH_A, fraction: 0.7, etaSeconds: 120 });
  b.progress({ id: HASH_A, fraction: 1 });
  b.completed({ id: HASH_A });
  b.imported({
    id: HASH_A,
    files: [{ id: 11, path: '/data/movies/A Silent Voice (2016)/A Silent Voice.mkv' }],
  });
  b.available({ jellyfinId: 'f'.repeat(32) });
  return b.all;
}

/** An anime movie: import, Shoko match, then Jellyfin. */
export function animeMoviePath(): StoredObservation[] {
  const b = createObservationBuilder({ mediaType: 'movie', media: { isAnime: true } });
  b.requested();
  b.approved();
  b.added();
  b.grabbed({ id: HASH_A, name: '[Group] Koe no Katachi [1080p]', sizeBytes: 4 * GB });
  b.progress({ id: HASH_A, fraction: 0.5 });
  b.completed({ id: HASH_A });
  b.imported({
    id: HASH_A,
    files: [{ id: 21, path: '/data/anime/movies/Koe no Katachi/Koe no Katachi.mkv' }],
  });
  b.animeMatched({ path: '/mnt/anime/movies/Koe no Katachi/Koe no Katachi.mkv' });
  b.available({ jellyfinId: 'e'.repeat(32) });
  return b.all;
}

/** A regular show: one season pack of 13 episodes, imported one file per episode. */
export function regularSeasonPackPath(): StoredObservation[] {
  const b = createObservationBuilder({ mediaType: 'tv' });
  const episodes = episodeRange(1, 1, 13);
  b.requested();
  b.approved();
  b.added();
  b.grabbed({ id: HASH_A, name: 'Horimiya.S01.1080p', sizeBytes: 13 * GB, episodes });
  b.progress({ id: HASH_A, fraction: 0.4 });
  b.progress({ id: HASH_A, fraction: 1 });
  for (const e of episodes)
    b.imported({ id: HASH_A, files: [{ id: 100 + e.episodeNumber, path: episodePath(e) }], episodes: [e] });
  for (const e of episodes)
    b.available({ episodes: [{ ...e, jellyfinId: `${e.episodeNumber}`.padStart(32, '0') }] });
  return b.all;
}

/**
 * An airing anime show: episodes 1-6 in a pack, 7 and 8 one by one, 9 failed once then grabbed
 * again, 10 and 11 not aired yet on the test's `now`.
 */
export function animeSeveralDownloadsPath(): StoredObservation[] {
  const b = createObservationBuilder({ mediaType: 'tv', media: { isAnime: true } });
  const pack = episodeRange(1, 1, 6);
  const e7 = ep(1, 7);
  const e8 = ep(1, 8);
  const e9 = ep(1, 9);
  const unaired = [
    ep(1, 10, { airDate: '2026-03-01', airDateUtc: '2026-03-01T15:00:00Z' }),
    ep(1, 11, { airDate: '2026-03-08', airDateUtc: '2026-03-08T15:00:00Z' }),
  ];
  b.requested();
  b.approved();
  b.added({ episodes: undefined });
  // Sonarr lists the upcoming episodes too (e.g. from a poll of the episode list).
  b.added({ episodes: unaired });
  b.grabbed({ id: HASH_A, name: '[Group] Lycoris Recoil 01-06', sizeBytes: 6 * GB, episodes: pack });
  b.grabbed({ id: HASH_B, name: '[Group] Lycoris Recoil - 07', sizeBytes: GB, episodes: [e7] });
  b.progress({ id: HASH_A, fraction: 0.5 });
  b.grabbed({ id: HASH_C, name: '[Group] Lycoris Recoil - 08', sizeBytes: GB, episodes: [e8] });
  b.grabbed({ id: HASH_D, name: '[Bad] Lycoris Recoil - 09', sizeBytes: GB, episodes: [e9] });
  b.failed({ id: HASH_D, reason: 'Not enough seeders' });
  b.grabbed({ id: HASH_E, name: '[Group] Lycoris Recoil - 09', sizeBytes: GB, episodes: [e9] });
  b.progress({ id: HASH_A, fraction: 1 });
  b.progress({ id: HASH_B, fraction: 1 });
  b.progress({ id: HASH_C, fraction: 1 });
  b.progress({ id: HASH_E, fraction: 1 });
  for (const [hash, episodes] of [
    [HASH_A, pack],
    [HASH_B, [e7]],
    [HASH_C, [e8]],
    [HASH_E, [e9]],
  ] as const) {
    b.imported({
      id: hash,
      episodes: [...episodes],
      files: episodes.map((e) => ({ id: 200 + e.episodeNumber, path: episodePath(e, '/data/anime/tv') })),
    });
  }
  // Shoko's match names the episodes for the pack, and only the file (matched by name) for the rest.
  for (const e of pack) b.animeMatched({ path: episodePath(e, '/mnt/shoko/tv'), episodes: [e] });
  for (const e of [e7, e8, e9]) b.animeMatched({ path: episodePath(e, '/mnt/shoko/tv') });
  for (const e of [...pack, e7, e8, e9]) b.available({ episodes: [e] });
  return b.all;
}

/** "now" for the paths: after every aired episode, before the unaired ones. */
export const PATH_NOW = '2026-02-01T00:00:00Z';
