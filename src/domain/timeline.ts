import {
  type DownloadRef,
  downloadKey,
  type EpisodeRef,
  episodeKey,
  type Observation,
  type ObservationSource,
} from './observations.js';
import type { State } from './states.js';

/** Words for the timeline: one plain sentence per observation and per state. */

const SOURCE_NAMES: Record<ObservationSource, string> = {
  jellyseerr: 'Jellyseerr',
  radarr: 'Radarr',
  sonarr: 'Sonarr',
  jellyfin: 'Jellyfin',
  shoko: 'Shoko',
  downloader: 'The download client',
  tracker: 'The tracker',
};

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** `1.1 GB`, `700.0 MB` (binary units, as Radarr/Sonarr and the clients show them). */
export function formatBytes(bytes: number): string {
  if (bytes >= GIB) return `${(bytes / GIB).toFixed(1)} GB`;
  return `${(bytes / MIB).toFixed(1)} MB`;
}

/** `S01E03` */
export function episodeCode(e: { seasonNumber: number; episodeNumber: number }): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `S${pad(e.seasonNumber)}E${pad(e.episodeNumber)}`;
}

function episodesPhrase(episodes: readonly EpisodeRef[]): string {
  const unique = [...new Map(episodes.map((e) => [episodeCode(e), e])).values()].sort(
    (a, b) => a.seasonNumber - b.seasonNumber || a.episodeNumber - b.episodeNumber,
  );
  if (unique.length <= 3) return unique.map(episodeCode).join(', ');
  return `${unique.length} episodes`;
}

function pathTail(path: string): string {
  return path.split(/[\\/]+/).pop() ?? path;
}

/** The *arr that speaks, for facts that only an *arr produces. */
function arrName(o: Observation): string {
  if (o.source === 'radarr' || o.source === 'sonarr') return SOURCE_NAMES[o.source];
  if (o.media.arr) return o.media.arr.app === 'radarr' ? 'Radarr' : 'Sonarr';
  return o.media.mediaType === 'movie' ? 'Radarr' : 'Sonarr';
}

function clientName(download: DownloadRef): string | undefined {
  return download.client ?? download.clientType;
}

function percent(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

function seasonsPhrase(seasons: readonly number[] | undefined): string {
  if (!seasons || seasons.length === 0) return '';
  const sorted = [...new Set(seasons)].sort((a, b) => a - b);
  return ` (season${sorted.length === 1 ? '' : 's'} ${sorted.join(', ')})`;
}

function describeGrab(o: Extract<Observation, { kind: 'grabbed' }>): string {
  const name = o.download.name ?? o.releaseTitle;
  const quoted = name ? `"${name}"` : 'a release';
  const size = o.download.sizeBytes ? ` (${formatBytes(o.download.sizeBytes)})` : '';
  const client = clientName(o.download);
  const sent = client ? ` and sent it to ${client}` : '';
  const episodes = o.episodes ?? [];
  const seasons = new Set(episodes.map((e) => e.seasonNumber));
  let what: string;
  if (episodes.length > 2 && seasons.size === 1)
    what = `a season pack of ${episodes.length} episodes: ${quoted}`;
  else if (episodes.length > 0) what = `${episodesPhrase(episodes)}: ${quoted}`;
  else what = quoted;
  return `${arrName(o)} grabbed ${what}${size}${sent}`;
}

function describeProgress(o: Extract<Observation, { kind: 'download_progress' }>): string {
  const name = o.download.name ? ` "${o.download.name}"` : '';
  const at = percent(o.fraction);
  switch (o.clientState) {
    case 'queued':
      return `Download${name} is queued`;
    case 'metadata':
      return `Fetching metadata for${name || ' the download'}`;
    case 'downloading': {
      const eta =
        typeof o.etaSeconds === 'number' && o.etaSeconds > 0 ? `, ${formatDuration(o.etaSeconds)} left` : '';
      return `Downloading${name}: ${at}${eta}`;
    }
    case 'stalled':
      return `Download${name} stalled at ${at}`;
    case 'paused':
      return `Download${name} paused at ${at}`;
    case 'checking':
      return `Checking the files of${name || ' the download'}`;
    case 'completed':
      return `Download${name} complete`;
    case 'failed':
      return `The download client reports${name || ' the download'} as failed`;
    case 'missing_files':
      return `The download client is missing the files of${name || ' the download'}`;
  }
}

function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function describeImport(o: Extract<Observation, { kind: 'imported' }>): string {
  const arr = arrName(o);
  const episodes = o.episodes ?? [];
  const target = episodes.length > 0 ? ` of ${episodesPhrase(episodes)}` : '';
  if (o.isUpgrade) return `${arr} imported an upgrade${target}`;
  const manual = o.download ? '' : ' (manual import)';
  const only = o.files.length === 1 ? o.files[0] : undefined;
  const file = only ? ` "${pathTail(only.path)}"` : o.files.length > 1 ? ` (${o.files.length} files)` : '';
  if (episodes.length > 0) return `${arr} imported ${episodesPhrase(episodes)}${file}${manual}`;
  if (only) return `${arr} imported${file}${manual}`;
  return `${arr} imported ${o.files.length > 1 ? `${o.files.length} files` : 'the download'}${manual}`;
}

/** One sentence a person reads, for the timeline. */
export function describeObservation(o: Observation): string {
  const source = SOURCE_NAMES[o.source];
  switch (o.kind) {
    case 'requested':
      return `Requested${o.requestedBy ? ` by ${o.requestedBy}` : ''} in ${source}${seasonsPhrase(o.requestedSeasons)}`;
    case 'approved':
      return o.automatic ? `Approved automatically in ${source}` : `Approved in ${source}`;
    case 'declined':
      return `Declined in ${source}`;
    case 'request_failed':
      return `${source} could not send the request to ${o.media.mediaType === 'movie' ? 'Radarr' : 'Sonarr'}`;
    case 'available_hint':
      return `${source} reports it as available`;
    case 'added':
      return `Added to ${arrName(o)}`;
    case 'grabbed':
      return describeGrab(o);
    case 'download_progress':
      return describeProgress(o);
    case 'download_completed':
      return `Download complete${o.download.name ? `: "${o.download.name}"` : ''}`;
    case 'download_failed':
      return `Download failed: ${o.reason}`;
    case 'import_blocked':
      return `${arrName(o)} cannot import the download: ${o.messages.join('; ') || 'no reason given'}`;
    case 'imported':
      return describeImport(o);
    case 'file_deleted': {
      const arr = arrName(o);
      if (o.reason === 'upgrade') return `${arr} removed the old file after an upgrade`;
      const files = o.fileIds.length === 1 ? 'a file' : `${o.fileIds.length} files`;
      return `${arr} deleted ${files}${o.reason ? ` (${o.reason})` : ''}`;
    }
    case 'anime_matched':
      return `${source} matched "${pathTail(o.path)}"`;
    case 'anime_not_matched':
      return `${source} could not match "${pathTail(o.path)}": ${o.reason}`;
    case 'action_taken':
      if (o.outcome === 'dry_run') return `Dry run: would ${o.todo} (nothing was sent)`;
      if (o.outcome === 'failed') return `Could not ${o.todo}: ${o.detail ?? 'no reason given'}`;
      return o.done;
    case 'library_scan_requested': {
      const what = o.paths.length === 1 ? `"${pathTail(o.paths[0] ?? '')}"` : `${o.paths.length} files`;
      return o.service === 'jellyfin'
        ? `Asked Jellyfin to scan for ${o.paths.length > 0 ? what : 'it'}`
        : `Asked Shoko to rescan ${o.paths.length > 0 ? what : 'its folders'}`;
    }
    case 'available': {
      const episodes = o.episodes ?? [];
      if (episodes.length > 0) return `${source} has ${episodesPhrase(episodes)}`;
      return o.media.mediaType === 'tv' ? `${source} has the series` : `Available in ${source}`;
    }
    case 'deleted':
      if (o.source === 'jellyseerr') return 'Request deleted in Jellyseerr';
      if (o.source === 'tracker') return 'Deleted';
      return `Removed from ${source}`;
  }
}

const STATE_TEXT: Record<State, string> = {
  requested: 'Waiting for approval in Jellyseerr',
  approved: 'Approved, waiting for a release to be grabbed',
  grabbing: 'Release grabbed, sent to the download client',
  downloading: 'Downloading',
  downloaded: 'Downloaded, waiting for the import',
  importing: 'Imported, waiting for Jellyfin',
  anime_matching: 'Waiting for Shoko to match the files',
  available: 'Available in Jellyfin',
  failed: 'Failed',
  declined: 'Declined in Jellyseerr',
  deleted: 'Removed',
};

/** The state in words, e.g. for a timeline entry of a state change. */
export function describeState(state: State, isAnime: boolean): string {
  if (state === 'importing' && isAnime) return 'Matched by Shoko, waiting for Jellyfin';
  return STATE_TEXT[state];
}

/** Steps of a download whose repeat says nothing new, however differently a second door words it. */
const ONCE_PER_DOWNLOAD = new Set<Observation['kind']>(['grabbed', 'download_completed', 'imported']);
/** Steps of the request itself: once told, a repeat (a backfill, a re-sent notification) adds nothing. */
const ONCE_PER_REQUEST = new Set<Observation['kind']>(['requested', 'approved']);

/**
 * Whether `earlier` observations already told the step `o` tells: the same step of the same download,
 * the request's own steps, or Jellyfin having every episode `o` names (its webhook and the verify job
 * group episodes differently). Such a repeat gets no timeline entry when it changes nothing.
 */
export function alreadyTold(o: Observation, earlier: readonly Observation[]): boolean {
  const same = earlier.filter((other) => other.kind === o.kind);
  if (ONCE_PER_REQUEST.has(o.kind)) return same.length > 0;
  if (o.kind === 'available') {
    const episodes = o.episodes ?? [];
    if (episodes.length === 0) return same.some((other) => (other.episodes ?? []).length === 0);
    const told = new Set(same.flatMap((other) => (other.episodes ?? []).map(episodeKey)));
    return episodes.every((e) => told.has(episodeKey(e)));
  }
  if (!ONCE_PER_DOWNLOAD.has(o.kind) || !('download' in o) || !o.download) return false;
  const key = downloadKey(o.download.id);
  return same.some(
    (other) => 'download' in other && other.download !== undefined && downloadKey(other.download.id) === key,
  );
}
