/**
 * Sonarr webhook body builders for tests.
 *
 * Shapes follow Sonarr v4.0.19 (`main`) `Notifications/Webhook/Webhook*Payload.cs` as written up in
 * design/contracts.md §1.2–§1.8: Newtonsoft, camelCase keys, PascalCase `eventType`, enums as camelCase
 * strings (`"type":"anime"`, `"releaseType":"seasonPack"`), nulls omitted, value types always present.
 * `Download` has two shapes: per file ({@link sonarrDownloadFile}, "On File Import") and per download
 * ({@link sonarrImportComplete}, "On Import Complete"). Realistic values come from the third-party
 * captures in shared/contracts/third-party-captures/status-tracker/.
 */

/** The series the payload is about (`WebhookSeries`). */
export interface SonarrFakeSeries {
  /** Sonarr's series id. */
  seriesId: number;
  tvdbId: number;
  title: string;
  year: number;
  /** Default `standard`. */
  type?: 'standard' | 'daily' | 'anime';
  /** Default 0 (unknown). */
  tmdbId?: number;
  imdbId?: string;
  /** Tag labels. Default `[]`. */
  tags?: string[];
  /** Series folder. Default `/data/media/tv/<Title>`. */
  path?: string;
  /** Default `Sonarr`. */
  instanceName?: string;
}

/** One episode (`WebhookEpisode`). */
export interface SonarrFakeEpisode {
  /** Sonarr's episode id. */
  id: number;
  seasonNumber: number;
  episodeNumber: number;
  /** The episode's own TVDB id. Default 0 (unknown). */
  tvdbId?: number;
  /** Default `Episode <n>`. */
  title?: string;
  /** `yyyy-MM-dd`. Omitted when not given. */
  airDate?: string;
}

/** The download client fields of Grab / Download / ManualInteractionRequired. */
export interface SonarrFakeDownload {
  /** Default `qBittorrent`. */
  downloadClient?: string;
  /** Default `qBittorrent`. */
  downloadClientType?: string;
  /** Default `<Title>.S01E01.1080p.WEB-DL-GROUP` (or `.S01.` for several episodes). */
  releaseTitle?: string;
  /** Release size in bytes. Default 1.5 GB per episode. */
  size?: number;
}

const EPISODE_SIZE = 1_500_000_000;

/**
 * `count` consecutive episodes of one season: ids `firstId`, `firstId+1`, ... and, when
 * `firstTvdbId` is given, TVDB ids counting up from it.
 */
export function sonarrEpisodes(input: {
  seasonNumber: number;
  count: number;
  firstId: number;
  /** Default 1. */
  firstEpisodeNumber?: number;
  firstTvdbId?: number;
}): SonarrFakeEpisode[] {
  const first = input.firstEpisodeNumber ?? 1;
  return Array.from({ length: input.count }, (_, i) => ({
    id: input.firstId + i,
    seasonNumber: input.seasonNumber,
    episodeNumber: first + i,
    ...(input.firstTvdbId !== undefined && { tvdbId: input.firstTvdbId + i }),
  }));
}

function dotted(title: string): string {
  return title
    .replace(/[^\p{L}\p{N}]+/gu, '.')
    .replace(/^\.+|\.+$/g, '')
    .replace(/\.+/g, '.');
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function defaultReleaseTitle(s: SonarrFakeSeries, episodes: readonly SonarrFakeEpisode[]): string {
  const first = episodes[0];
  const season = pad(first?.seasonNumber ?? 1);
  const tag = episodes.length === 1 && first ? `S${season}E${pad(first.episodeNumber)}` : `S${season}`;
  return `${dotted(s.title)}.${tag}.1080p.WEB-DL-GROUP`;
}

function releaseType(episodes: readonly SonarrFakeEpisode[]): string {
  if (episodes.length === 1) return 'singleEpisode';
  return new Set(episodes.map((e) => e.seasonNumber)).size === 1 && episodes.length > 2
    ? 'seasonPack'
    : 'multiEpisode';
}

function seriesPath(s: SonarrFakeSeries): string {
  return s.path ?? `/data/media/tv/${s.title.replace(/[:/\\]/g, '')}`;
}

function episodePath(s: SonarrFakeSeries, e: SonarrFakeEpisode): string {
  return `${seriesPath(s)}/Season ${e.seasonNumber}/${s.title} - S${pad(e.seasonNumber)}E${pad(e.episodeNumber)}.mkv`;
}

function envelope(eventType: string, instanceName: string | undefined) {
  return { eventType, instanceName: instanceName ?? 'Sonarr', applicationUrl: '' };
}

function seriesObject(s: SonarrFakeSeries) {
  const slug = s.title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    id: s.seriesId,
    title: s.title,
    titleSlug: slug,
    path: seriesPath(s),
    tvdbId: s.tvdbId,
    tvMazeId: 0,
    tmdbId: s.tmdbId ?? 0,
    ...(s.imdbId !== undefined && { imdbId: s.imdbId }),
    type: s.type ?? 'standard',
    year: s.year,
    genres: ['Drama'],
    images: [
      {
        coverType: 'banner',
        url: `/MediaCover/${s.seriesId}/banner.jpg`,
        remoteUrl: `https://artworks.thetvdb.com/banners/${s.tvdbId}-banner.jpg`,
      },
      {
        coverType: 'poster',
        url: `/MediaCover/${s.seriesId}/poster.jpg`,
        remoteUrl: `https://artworks.thetvdb.com/banners/${s.tvdbId}-poster.jpg`,
      },
    ],
    tags: [...(s.tags ?? [])].sort(),
    originalLanguage: { id: 1, name: 'English' },
  };
}

function episodeObjects(seriesId: number, episodes: readonly SonarrFakeEpisode[]) {
  return episodes.map((e) => ({
    id: e.id,
    episodeNumber: e.episodeNumber,
    seasonNumber: e.seasonNumber,
    title: e.title ?? `Episode ${e.episodeNumber}`,
    ...(e.airDate !== undefined && { airDate: e.airDate, airDateUtc: `${e.airDate}T01:00:00Z` }),
    seriesId,
    tvdbId: e.tvdbId ?? 0,
  }));
}

const language = { id: 1, name: 'English' };
const customFormatInfo = { customFormats: [], customFormatScore: 0 };

function episodeFileObject(input: {
  id: number;
  path: string;
  sceneName?: string;
  sourcePath?: string;
  size: number;
}) {
  return {
    id: input.id,
    relativePath: input.path.split('/').slice(-2).join('/'),
    path: input.path,
    quality: 'WEBDL-1080p',
    qualityVersion: 1,
    releaseGroup: 'GROUP',
    ...(input.sceneName !== undefined && { sceneName: input.sceneName }),
    size: input.size,
    dateAdded: '2026-01-22T04:36:40.2551822Z',
    languages: [language],
    mediaInfo: {
      audioChannels: 2,
      audioCodec: 'AAC',
      audioLanguages: ['eng'],
      height: 1080,
      width: 1920,
      subtitles: ['eng'],
      videoCodec: 'h264',
      videoDynamicRange: '',
      videoDynamicRangeType: '',
    },
    ...(input.sourcePath !== undefined && { sourcePath: input.sourcePath }),
  };
}

type Common = SonarrFakeSeries & { episodes: SonarrFakeEpisode[] };

/** `Grab`: a release covering `episodes` (every episode of a season pack) was sent to the client. */
export function sonarrGrab(input: Common & SonarrFakeDownload & { downloadId: string }) {
  return {
    series: seriesObject(input),
    episodes: episodeObjects(input.seriesId, input.episodes),
    release: {
      quality: 'WEBDL-1080p',
      qualityVersion: 1,
      releaseGroup: 'GROUP',
      releaseTitle: input.releaseTitle ?? defaultReleaseTitle(input, input.episodes),
      indexer: 'Test Indexer (Prowlarr)',
      size: input.size ?? EPISODE_SIZE * Math.max(1, input.episodes.length),
      customFormatScore: 0,
      customFormats: [],
      languages: [language],
    },
    downloadClient: input.downloadClient ?? 'qBittorrent',
    downloadClientType: input.downloadClientType ?? 'qBittorrent',
    downloadId: input.downloadId,
    customFormatInfo,
    ...envelope('Grab', input.instanceName),
  };
}

/** The grabbed-release object of Download/ImportComplete/ManualInteractionRequired. */
function grabbedRelease(input: Common & SonarrFakeDownload, tracked: boolean) {
  const type = releaseType(input.episodes);
  if (!tracked) return { releaseType: type };
  return {
    releaseTitle: input.releaseTitle ?? defaultReleaseTitle(input, input.episodes),
    indexer: 'Test Indexer (Prowlarr)',
    size: input.size ?? EPISODE_SIZE * Math.max(1, input.episodes.length),
    releaseType: type,
  };
}

/**
 * `Download` per imported file ("On File Import"): `episodes` are the episodes in this one file.
 * Leave `downloadId` out for a manual import.
 */
export function sonarrDownloadFile(
  input: Common &
    SonarrFakeDownload & {
      downloadId?: string;
      episodeFileId: number;
      /** Library path. Default `<series path>/Season N/<Title> - SxxEyy.mkv`. */
      path?: string;
      /** Path in the download folder. Default `/data/downloads/complete/<releaseTitle>/<file name>`. */
      sourcePath?: string;
      /** Default false. */
      isUpgrade?: boolean;
    },
) {
  const first = input.episodes[0] ?? { id: 0, seasonNumber: 1, episodeNumber: 1 };
  const path = input.path ?? episodePath(input, first);
  const releaseTitle = input.releaseTitle ?? defaultReleaseTitle(input, input.episodes);
  const tracked = input.downloadId !== undefined;
  return {
    series: seriesObject(input),
    episodes: episodeObjects(input.seriesId, input.episodes),
    episodeFile: episodeFileObject({
      id: input.episodeFileId,
      path,
      ...(tracked && { sceneName: releaseTitle }),
      sourcePath: input.sourcePath ?? `/data/downloads/complete/${releaseTitle}/${path.split('/').pop()}`,
      size: EPISODE_SIZE,
    }),
    isUpgrade: input.isUpgrade ?? false,
    ...(tracked && {
      downloadClient: input.downloadClient ?? 'qBittorrent',
      downloadClientType: input.downloadClientType ?? 'qBittorrent',
      downloadId: input.downloadId,
    }),
    customFormatInfo,
    release: grabbedRelease(input, tracked),
    ...envelope('Download', input.instanceName),
  };
}

/**
 * `Download` sent once per download ("On Import Complete", v4 only): every imported file in
 * `episodeFiles[]` (without `sourcePath`), the download's output folder in top-level `sourcePath`.
 * Leave `downloadId` out for a manual import (then no download client fields either).
 */
export function sonarrImportComplete(
  input: Common &
    SonarrFakeDownload & {
      downloadId?: string;
      /** Default: one file per episode, id `10000 + episode id`, path as in the library. */
      episodeFiles?: { id: number; path: string }[];
      /** Default `/data/downloads/complete/<releaseTitle>`. */
      sourcePath?: string;
    },
) {
  const releaseTitle = input.releaseTitle ?? defaultReleaseTitle(input, input.episodes);
  const files =
    input.episodeFiles ?? input.episodes.map((e) => ({ id: 10000 + e.id, path: episodePath(input, e) }));
  const tracked = input.downloadId !== undefined;
  const destinationPath = commonDirectory(files.map((f) => f.path));
  return {
    series: seriesObject(input),
    episodes: episodeObjects(input.seriesId, input.episodes),
    episodeFiles: files.map((f) =>
      episodeFileObject({
        id: f.id,
        path: f.path,
        ...(tracked && { sceneName: releaseTitle }),
        size: EPISODE_SIZE,
      }),
    ),
    fileCount: files.length,
    release: grabbedRelease(input, tracked),
    ...(tracked && {
      downloadClient: input.downloadClient ?? 'qBittorrent',
      downloadClientType: input.downloadClientType ?? 'qBittorrent',
      downloadId: input.downloadId,
    }),
    sourcePath: input.sourcePath ?? `/data/downloads/complete/${releaseTitle}`,
    ...(destinationPath !== undefined && { destinationPath }),
    ...envelope('Download', input.instanceName),
  };
}

function commonDirectory(paths: readonly string[]): string | undefined {
  const dirs = paths.map((p) => p.split('/').slice(0, -1));
  const first = dirs[0];
  if (!first) return undefined;
  let length = first.length;
  for (const dir of dirs) {
    let i = 0;
    while (i < length && dir[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length).join('/') || undefined;
}

/** `ManualInteractionRequired`: the completed download is `importBlocked`. */
export function sonarrManualInteractionRequired(
  input: Common &
    SonarrFakeDownload & {
      downloadId: string;
      /** `Ok` | `Warning` | `Error`. Default `Warning`. */
      downloadStatus?: string;
      /** Default: one "Unable to determine if file is a sample" message. */
      statusMessages?: { title: string; messages: string[] }[];
    },
) {
  const releaseTitle = input.releaseTitle ?? defaultReleaseTitle(input, input.episodes);
  return {
    series: seriesObject(input),
    episodes: episodeObjects(input.seriesId, input.episodes),
    downloadInfo: {
      quality: 'WEBDL-1080p',
      qualityVersion: 1,
      title: releaseTitle,
      size: input.size ?? EPISODE_SIZE * Math.max(1, input.episodes.length),
    },
    downloadClient: input.downloadClient ?? 'qBittorrent',
    downloadClientType: input.downloadClientType ?? 'qBittorrent',
    downloadId: input.downloadId,
    downloadStatus: input.downloadStatus ?? 'Warning',
    downloadStatusMessages: input.statusMessages ?? [
      { title: `${releaseTitle}.mkv`, messages: ['Unable to determine if file is a sample'] },
    ],
    customFormatInfo,
    release: grabbedRelease(input, true),
    ...envelope('ManualInteractionRequired', input.instanceName),
  };
}

/** `SeriesAdd`: the series was added to Sonarr. */
export function sonarrSeriesAdd(input: SonarrFakeSeries) {
  return { series: seriesObject(input), ...envelope('SeriesAdd', input.instanceName) };
}

/** `SeriesDelete`: the series was removed from Sonarr. */
export function sonarrSeriesDelete(input: SonarrFakeSeries & { deletedFiles?: boolean }) {
  return {
    series: seriesObject(input),
    deletedFiles: input.deletedFiles ?? false,
    ...envelope('SeriesDelete', input.instanceName),
  };
}

/** `EpisodeFileDelete`: an episode file (holding `episodes`) was removed. */
export function sonarrEpisodeFileDelete(
  input: Common & {
    episodeFileId: number;
    path?: string;
    /** `missingFromDisk` | `manual` | `upgrade` | `noLinkedEpisodes` | `manualOverride`. Default `manual`. */
    deleteReason?: string;
  },
) {
  const first = input.episodes[0] ?? { id: 0, seasonNumber: 1, episodeNumber: 1 };
  return {
    series: seriesObject(input),
    episodes: episodeObjects(input.seriesId, input.episodes),
    episodeFile: episodeFileObject({
      id: input.episodeFileId,
      path: input.path ?? episodePath(input, first),
      size: EPISODE_SIZE,
    }),
    deleteReason: input.deleteReason ?? 'manual',
    ...envelope('EpisodeFileDelete', input.instanceName),
  };
}

/** `Health` or (with `restored`) `HealthRestored`. Sonarr omits `applicationUrl` on both. */
export function sonarrHealth(
  input: {
    /** `ok` | `notice` | `warning` | `error`. Default `error`. */
    level?: string;
    message?: string;
    type?: string;
    restored?: boolean;
    instanceName?: string;
  } = {},
) {
  return {
    level: input.level ?? 'error',
    message:
      input.message ?? 'Indexers unavailable due to failures for more than 6 hours: Nyaa.si (Prowlarr)',
    type: input.type ?? 'IndexerStatusCheck',
    wikiUrl: 'https://wiki.servarr.com/sonarr/system#indexers-are-unavailable-due-to-failures',
    eventType: input.restored ? 'HealthRestored' : 'Health',
    instanceName: input.instanceName ?? 'Sonarr',
  };
}

/** `Rename`: recorded, not used. */
export function sonarrRename(input: SonarrFakeSeries) {
  return {
    series: seriesObject(input),
    renamedEpisodeFiles: [],
    ...envelope('Rename', input.instanceName),
  };
}

/** The "Test" button: Sonarr's fixed test data (contracts.md §1.7); no release. */
export function sonarrTest(input: { instanceName?: string } = {}) {
  return {
    series: {
      id: 1,
      title: 'Test Title',
      path: 'C:\\testpath',
      tvdbId: 1234,
      tvMazeId: 0,
      tmdbId: 0,
      type: 'standard',
      year: 0,
      genres: [],
      images: [],
      tags: ['test-tag'],
    },
    episodes: [{ id: 123, episodeNumber: 1, seasonNumber: 1, title: 'Test title', seriesId: 1, tvdbId: 0 }],
    ...envelope('Test', input.instanceName),
  };
}
