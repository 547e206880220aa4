import type { MediaType } from './states.js';

/**
 * Observations: the small, normalised facts every integration turns its payloads into
 * (architecture.md §2). A webhook and a poll that see the same fact produce the same observation,
 * differing only in `source`. Nothing here knows any service's payload shape.
 */

export type ObservationSource =
  | 'jellyseerr'
  | 'radarr'
  | 'sonarr'
  | 'jellyfin'
  | 'shoko'
  | 'downloader'
  | 'tracker';

/** The *arr that owns an item, and its own id there (Radarr movie id or Sonarr series id). */
export interface ArrRef {
  app: 'radarr' | 'sonarr';
  /** `instanceName` of the *arr (several Radarr instances have overlapping ids). */
  instance: string;
  id: number;
}

/** What an observation says about the media it concerns: used for correlation and display. */
export interface MediaRef {
  mediaType: MediaType;
  tmdbId?: number | undefined;
  tvdbId?: number | undefined;
  imdbId?: string | undefined;
  /** Title without the year. For Jellyfin episodes: the series name. */
  title?: string | undefined;
  year?: number | undefined;
  arr?: ArrRef | undefined;
  /** Anime hint: Radarr tag `anime`, Sonarr series type `anime`, or an anime root folder. */
  isAnime?: boolean | undefined;
  posterUrl?: string | undefined;
  /** Jellyfin item id (32 lowercase hex) of the movie or series. */
  jellyfinId?: string | undefined;
}

export interface EpisodeRef {
  seasonNumber: number;
  episodeNumber: number;
  /** Sonarr's episode id. */
  sonarrEpisodeId?: number | undefined;
  /** The episode's own TVDB id (Sonarr `episodes[].tvdbId`, Jellyfin Episode `Provider_tvdb`). */
  tvdbId?: number | undefined;
  title?: string | undefined;
  /** `yyyy-MM-dd` (Sonarr `airDate`). */
  airDate?: string | undefined;
  /** ISO 8601 UTC (Sonarr `airDateUtc`). */
  airDateUtc?: string | undefined;
  /** Jellyfin item id of the episode. */
  jellyfinId?: string | undefined;
}

/** A download as an *arr or a download client names it. */
export interface DownloadRef {
  /** The id exactly as the *arr knows it (uppercase torrent hash, SABnzbd nzo_id, NZBGet drone GUID). */
  id: string;
  /** The user-given download client name in the *arr (`downloadClient`). */
  client?: string | undefined;
  /** The client implementation (`downloadClientType`, e.g. `qBittorrent`). */
  clientType?: string | undefined;
  /** Release or job name. */
  name?: string | undefined;
  /** Size in bytes. */
  sizeBytes?: number | undefined;
  /** Where the client keeps the downloaded file or folder (what an *arr imports from). */
  path?: string | undefined;
}

export interface ImportedFile {
  /** Radarr movie file id / Sonarr episode file id, when known. */
  id?: number | undefined;
  /** Path of the file in the library. */
  path: string;
  /** Path of the file in the download folder it was imported from. */
  sourcePath?: string | undefined;
}

/** The client-side state of a download, one enum for every client (issue 3 fills it). */
export type ClientDownloadState =
  | 'queued'
  | 'metadata'
  | 'downloading'
  | 'stalled'
  | 'paused'
  | 'checking'
  | 'completed'
  | 'failed'
  | 'missing_files';

export type ObservationFact =
  /** Jellyseerr: a request waiting for approval (MEDIA_PENDING). */
  | { kind: 'requested' }
  /** Jellyseerr: approved by hand or automatically. */
  | { kind: 'approved'; automatic: boolean }
  | { kind: 'declined' }
  /** Jellyseerr could not hand the request to Radarr/Sonarr (MEDIA_FAILED). */
  | { kind: 'request_failed' }
  /** Jellyseerr says it is available (a hint: confirmed with Jellyfin when Jellyfin is configured). */
  | { kind: 'available_hint' }
  /** The *arr added the movie/series (MovieAdded, SeriesAdd). */
  | { kind: 'added' }
  /** A release was grabbed and handed to the download client. */
  | {
      kind: 'grabbed';
      download: DownloadRef;
      releaseTitle?: string | undefined;
      /** The indexer the release came from, as the *arr names it (private trackers are named by the user). */
      indexer?: string | undefined;
      /** The *arr's tags on the movie/series at grab time (labels), for the protect tag. */
      tags?: string[] | undefined;
    }
  /** A download client reports on a download. `fraction` is 0..1. */
  | {
      kind: 'download_progress';
      download: DownloadRef;
      fraction: number;
      clientState: ClientDownloadState;
      /** Seconds, or null when unknown. */
      etaSeconds?: number | null | undefined;
      /** Bytes per second. */
      speedBytesPerSecond?: number | undefined;
    }
  | { kind: 'download_completed'; download: DownloadRef }
  | { kind: 'download_failed'; download: DownloadRef; reason: string }
  /** The *arr will not import the completed download without help (ManualInteractionRequired). */
  | { kind: 'import_blocked'; download: DownloadRef; messages: string[] }
  /** The *arr imported files into the library. `download` is absent for manual imports. */
  | {
      kind: 'imported';
      download?: DownloadRef | undefined;
      files: ImportedFile[];
      isUpgrade: boolean;
    }
  /** Files were removed from the library (MovieFileDelete/EpisodeFileDelete). */
  | { kind: 'file_deleted'; fileIds: number[]; reason: string }
  /** Shoko recognised an imported file (FileMatched). `path` is the file as the *arr imported it. */
  | { kind: 'anime_matched'; path: string }
  /** Shoko hashed the file but could not match it on AniDB (FileNotMatched); `reason` in plain words. */
  | { kind: 'anime_not_matched'; path: string; reason: string }
  /** The tracker ran (or, in a dry run, would have run) a command from its outbox. */
  | {
      kind: 'action_taken';
      action: string;
      outcome: 'sent' | 'failed' | 'dry_run';
      /** What is asked, as an infinitive: "ask Jellyfin to scan for 2 files". */
      todo: string;
      /** The same, done: "Asked Jellyfin to scan for 2 files". */
      done: string;
      /** Why it failed, for `failed`. */
      detail?: string | undefined;
    }
  /** The tracker asked a service to look at new files (a Jellyfin library scan, a Shoko rescan). */
  | { kind: 'library_scan_requested'; service: 'jellyfin' | 'shoko'; paths: string[] }
  /** Jellyfin has the item as a playable item. */
  | { kind: 'available'; jellyfinId?: string | undefined }
  /** The movie/series was removed from the *arr (or the request deleted). */
  | { kind: 'deleted' };

export type ObservationKind = ObservationFact['kind'];

/** One normalised fact, as produced by an integration's normaliser. */
export type Observation = ObservationFact & {
  source: ObservationSource;
  /** ISO 8601 UTC time the fact was observed (the payload's own time when it has one). */
  at: string;
  media: MediaRef;
  /** Jellyseerr's request id, when the fact comes from Jellyseerr. */
  jellyseerrRequestId?: number | undefined;
  /** Jellyseerr's requester display name. */
  requestedBy?: string | undefined;
  /** Seasons asked for (Jellyseerr "Requested Seasons"). */
  requestedSeasons?: number[] | undefined;
  /** Episodes the fact is about (TV). Absent: the whole movie or series. */
  episodes?: EpisodeRef[] | undefined;
  /**
   * The tracker's own request id, when a job observed something on behalf of a request it follows
   * (a download poll, a library check): the fact belongs to that request, no correlation needed.
   */
  requestId?: string | undefined;
};

/** An observation as stored: it has an id that tells two equal facts apart. */
export type StoredObservation = Observation & { id: number };

/** One episode's identity, for matching the same episode across observations. */
export function episodeKey(e: { seasonNumber: number; episodeNumber: number }): string {
  return `${e.seasonNumber}:${e.episodeNumber}`;
}

/**
 * Torrent hashes are upper case in Radarr/Sonarr and lower case in the clients; every other id
 * (SABnzbd nzo_id, NZBGet drone GUID) is compared exactly. This key is only for matching: the
 * original form is kept to talk back to the *arr.
 */
export function downloadKey(id: string): string {
  const trimmed = id.trim();
  return /^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(trimmed) ? trimmed.toLowerCase() : trimmed;
}
