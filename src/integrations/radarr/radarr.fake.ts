/**
 * Radarr webhook body builders for tests.
 *
 * Shapes follow Radarr v5.28.0.10274 / v6.1 `Notifications/Webhook/Webhook*Payload.cs` as written up in
 * design/contracts.md §1.2–§1.6: Newtonsoft, camelCase keys, PascalCase `eventType`, enums as camelCase
 * strings, nulls omitted (optional reference fields are left out rather than set to null), value
 * types always present. Realistic values (uppercase qBittorrent hash, `G_Freeleech`) are taken from
 * the third-party captures in shared/contracts/third-party-captures/status-tracker/.
 */

/** The movie the payload is about (`WebhookMovie`). */
export interface RadarrFakeMovie {
  /** Radarr's movie id. */
  movieId: number;
  tmdbId: number;
  title: string;
  year: number;
  imdbId?: string;
  /** Tag labels; include `anime` to mark an anime movie. Default `[]`. */
  tags?: string[];
  /** Default `/data/media/movies/<Title> (<Year>)`. */
  folderPath?: string;
  /** Default `Radarr`. */
  instanceName?: string;
}

/** The download client fields of Grab / Download / ManualInteractionRequired. */
export interface RadarrFakeDownload {
  /** Default `qBittorrent`. */
  downloadClient?: string;
  /** Default `qBittorrent`. */
  downloadClientType?: string;
  /** Default `<Title>.<Year>.1080p.BluRay.x264-GROUP`. */
  releaseTitle?: string;
  /** Release size in bytes. Default 8 GB. */
  size?: number;
}

const DEFAULT_SIZE = 8_000_000_000;

function dotted(title: string): string {
  return title
    .replace(/[^\p{L}\p{N}]+/gu, '.')
    .replace(/^\.+|\.+$/g, '')
    .replace(/\.+/g, '.');
}

function defaultReleaseTitle(m: RadarrFakeMovie): string {
  return `${dotted(m.title)}.${m.year}.1080p.BluRay.x264-GROUP`;
}

function folderPathOf(m: RadarrFakeMovie): string {
  return m.folderPath ?? `/data/media/movies/${m.title.replace(/[:/\\]/g, '')} (${m.year})`;
}

function envelope(eventType: string, instanceName: string | undefined) {
  return { eventType, instanceName: instanceName ?? 'Radarr', applicationUrl: '' };
}

function movieObject(m: RadarrFakeMovie) {
  return {
    id: m.movieId,
    title: m.title,
    year: m.year,
    releaseDate: `${m.year}-06-01`,
    folderPath: folderPathOf(m),
    tmdbId: m.tmdbId,
    ...(m.imdbId !== undefined && { imdbId: m.imdbId }),
    overview: `Overview of ${m.title}.`,
    genres: ['Drama'],
    images: [
      {
        coverType: 'poster',
        url: `/MediaCover/${m.movieId}/poster.jpg?lastWrite=639046525018477211`,
        remoteUrl: `https://image.tmdb.org/t/p/original/poster-${m.tmdbId}.jpg`,
      },
      {
        coverType: 'fanart',
        url: `/MediaCover/${m.movieId}/fanart.jpg?lastWrite=639046525019237240`,
        remoteUrl: `https://image.tmdb.org/t/p/original/fanart-${m.tmdbId}.jpg`,
      },
    ],
    tags: [...(m.tags ?? [])].sort(),
    originalLanguage: { id: 1, name: 'English' },
  };
}

function remoteMovieObject(m: RadarrFakeMovie) {
  return {
    tmdbId: m.tmdbId,
    ...(m.imdbId !== undefined && { imdbId: m.imdbId }),
    title: m.title,
    year: m.year,
  };
}

const language = { id: 1, name: 'English' };
const customFormatInfo = { customFormats: [], customFormatScore: 0 };

/** `WebhookGrabbedRelease`, as sent on Download and ManualInteractionRequired. */
function grabbedRelease(m: RadarrFakeMovie, d: RadarrFakeDownload) {
  return {
    releaseTitle: d.releaseTitle ?? defaultReleaseTitle(m),
    indexer: 'Test Indexer (Prowlarr)',
    size: d.size ?? DEFAULT_SIZE,
    indexerFlags: ['G_Freeleech'],
  };
}

/** `Grab`: Radarr handed a release to the download client. */
export function radarrGrab(input: RadarrFakeMovie & RadarrFakeDownload & { downloadId: string }) {
  const releaseTitle = input.releaseTitle ?? defaultReleaseTitle(input);
  return {
    movie: movieObject(input),
    remoteMovie: remoteMovieObject(input),
    release: {
      quality: 'Bluray-1080p',
      qualityVersion: 1,
      releaseGroup: 'GROUP',
      releaseTitle,
      indexer: 'Test Indexer (Prowlarr)',
      size: input.size ?? DEFAULT_SIZE,
      customFormatScore: 0,
      customFormats: [],
      languages: [language],
      indexerFlags: ['G_Freeleech'],
    },
    downloadClient: input.downloadClient ?? 'qBittorrent',
    downloadClientType: input.downloadClientType ?? 'qBittorrent',
    downloadId: input.downloadId,
    customFormatInfo,
    ...envelope('Grab', input.instanceName),
  };
}

/**
 * `Download` ("On File Import"): one movie file imported. Leave `downloadId` out for a manual import
 * of an untracked folder (then the download client fields and the release title are absent too).
 */
export function radarrDownload(
  input: RadarrFakeMovie &
    RadarrFakeDownload & {
      downloadId?: string;
      movieFileId: number;
      /** Library path. Default `<folderPath>/<Title> (<Year>).mkv`. */
      path?: string;
      /** Path in the download folder. Default `/data/downloads/complete/<releaseTitle>.mkv`. */
      sourcePath?: string;
      /** Default false. */
      isUpgrade?: boolean;
    },
) {
  const releaseTitle = input.releaseTitle ?? defaultReleaseTitle(input);
  const path = input.path ?? `${folderPathOf(input)}/${input.title} (${input.year}).mkv`;
  const tracked = input.downloadId !== undefined;
  return {
    movie: movieObject(input),
    remoteMovie: remoteMovieObject(input),
    movieFile: {
      id: input.movieFileId,
      relativePath: path.split('/').pop() ?? path,
      path,
      quality: 'Bluray-1080p',
      qualityVersion: 1,
      releaseGroup: 'GROUP',
      ...(tracked && { sceneName: releaseTitle }),
      indexerFlags: tracked ? 'G_Freeleech' : '0',
      size: input.size ?? DEFAULT_SIZE,
      dateAdded: '2026-01-22T04:36:40.2551822Z',
      languages: [language],
      mediaInfo: {
        audioChannels: 5.1,
        audioCodec: 'EAC3',
        audioLanguages: ['eng'],
        height: 1080,
        width: 1920,
        subtitles: ['eng'],
        videoCodec: 'x264',
        videoDynamicRange: '',
        videoDynamicRangeType: '',
      },
      sourcePath: input.sourcePath ?? `/data/downloads/complete/${releaseTitle}.mkv`,
    },
    isUpgrade: input.isUpgrade ?? false,
    ...(tracked && {
      downloadClient: input.downloadClient ?? 'qBittorrent',
      downloadClientType: input.downloadClientType ?? 'qBittorrent',
      downloadId: input.downloadId,
    }),
    customFormatInfo,
    release: tracked ? grabbedRelease(input, input) : { size: 0, indexerFlags: [] },
    ...envelope('Download', input.instanceName),
  };
}

/** `ManualInteractionRequired`: the completed download is `importBlocked`. */
export function radarrManualInteractionRequired(
  input: RadarrFakeMovie &
    RadarrFakeDownload & {
      downloadId: string;
      /** `Ok` | `Warning` | `Error` (PascalCase, unlike the REST API). Default `Warning`. */
      downloadStatus?: string;
      /** Default: one "Unable to parse file" message for the release. */
      statusMessages?: { title: string; messages: string[] }[];
    },
) {
  const releaseTitle = input.releaseTitle ?? defaultReleaseTitle(input);
  return {
    movie: movieObject(input),
    downloadInfo: {
      quality: 'Bluray-1080p',
      qualityVersion: 1,
      title: releaseTitle,
      size: input.size ?? DEFAULT_SIZE,
    },
    downloadClient: input.downloadClient ?? 'qBittorrent',
    downloadClientType: input.downloadClientType ?? 'qBittorrent',
    downloadId: input.downloadId,
    downloadStatus: input.downloadStatus ?? 'Warning',
    downloadStatusMessages: input.statusMessages ?? [
      { title: `${releaseTitle}.mkv`, messages: ['Unable to parse file'] },
    ],
    customFormatInfo,
    release: grabbedRelease(input, input),
    ...envelope('ManualInteractionRequired', input.instanceName),
  };
}

/** `MovieAdded`: the movie was added to Radarr. */
export function radarrMovieAdded(input: RadarrFakeMovie & { addMethod?: 'manual' | 'list' | 'collection' }) {
  return {
    movie: movieObject(input),
    addMethod: input.addMethod ?? 'manual',
    ...envelope('MovieAdded', input.instanceName),
  };
}

/** `MovieDelete`: the movie was removed from Radarr. */
export function radarrMovieDelete(input: RadarrFakeMovie & { deletedFiles?: boolean }) {
  const deletedFiles = input.deletedFiles ?? false;
  return {
    movie: movieObject(input),
    deletedFiles,
    movieFolderSize: deletedFiles ? DEFAULT_SIZE : 0,
    ...envelope('MovieDelete', input.instanceName),
  };
}

/** `MovieFileDelete`: a movie file was removed. */
export function radarrMovieFileDelete(
  input: RadarrFakeMovie & {
    movieFileId: number;
    path?: string;
    /** `missingFromDisk` | `manual` | `upgrade` | `noLinkedEpisodes` | `manualOverride`. Default `manual`. */
    deleteReason?: string;
  },
) {
  const path = input.path ?? `${folderPathOf(input)}/${input.title} (${input.year}).mkv`;
  return {
    movie: movieObject(input),
    movieFile: {
      id: input.movieFileId,
      relativePath: path.split('/').pop() ?? path,
      path,
      quality: 'Bluray-1080p',
      qualityVersion: 1,
      indexerFlags: '0',
      size: DEFAULT_SIZE,
      dateAdded: '2026-01-22T04:36:40.2551822Z',
      languages: [language],
    },
    deleteReason: input.deleteReason ?? 'manual',
    ...envelope('MovieFileDelete', input.instanceName),
  };
}

/** `Health` or (with `restored`) `HealthRestored`. Radarr omits `applicationUrl` on HealthRestored. */
export function radarrHealth(
  input: {
    /** `ok` | `notice` | `warning` | `error`. Default `warning`. */
    level?: string;
    message?: string;
    /** Health check class name. Default `DownloadClientCheck`. */
    type?: string;
    restored?: boolean;
    instanceName?: string;
  } = {},
) {
  const restored = input.restored ?? false;
  const base = envelope(restored ? 'HealthRestored' : 'Health', input.instanceName);
  return {
    level: input.level ?? 'warning',
    message: input.message ?? 'Unable to communicate with qBittorrent.',
    type: input.type ?? 'DownloadClientCheck',
    wikiUrl: 'https://wiki.servarr.com/radarr/system#download-clients-are-unavailable-due-to-failures',
    eventType: base.eventType,
    instanceName: base.instanceName,
    ...(!restored && { applicationUrl: base.applicationUrl }),
  };
}

/** `ApplicationUpdate`: recorded, not used. */
export function radarrApplicationUpdate(input: { instanceName?: string } = {}) {
  return {
    message: 'Radarr updated from 5.28.0.10274 to 6.1.0.10300',
    previousVersion: '5.28.0.10274',
    newVersion: '6.1.0.10300',
    ...envelope('ApplicationUpdate', input.instanceName),
  };
}

/** The "Test" button: the Grab shape with Radarr's fixed test data (contracts.md §1.6). */
export function radarrTest(input: { instanceName?: string } = {}) {
  return {
    movie: {
      id: 1,
      title: 'Test Title',
      year: 1970,
      releaseDate: '1970-01-01',
      folderPath: 'C:\\testpath',
      tmdbId: 0,
      genres: [],
      images: [],
      tags: ['test-tag'],
    },
    remoteMovie: { tmdbId: 1234, imdbId: '5678', title: 'Test title', year: 1970 },
    release: {
      quality: 'Test Quality',
      qualityVersion: 1,
      releaseGroup: 'Test Group',
      releaseTitle: 'Test Title',
      indexer: 'Test Indexer',
      size: 9999999,
      customFormatScore: 0,
      customFormats: [],
      languages: [],
      indexerFlags: [],
    },
    ...envelope('Test', input.instanceName),
  };
}
