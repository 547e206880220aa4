import { ACTIONS_FOR_PROBLEM, type ActionName } from '../actions/action-catalog.js';
import type * as schema from '../db/schema.js';
import type { DownloadView, EpisodeView } from '../domain/derive.js';
import type { Problem, State } from '../domain/states.js';

export type RequestRow = typeof schema.requests.$inferSelect;
export type TimelineRow = typeof schema.timeline.$inferSelect;

/** RequestSummary of api.md. */
export interface RequestSummary {
  id: string;
  title: string;
  year: number | null;
  mediaType: 'movie' | 'tv';
  isAnime: boolean;
  state: State;
  tmdbId: number | null;
  tvdbId: number | null;
  imdbId: string | null;
  jellyseerrRequestId: number | null;
  requestedBy: string | null;
  source: 'jellyseerr' | 'radarr' | 'sonarr';
  posterUrl: string | null;
  progress: number | null;
  /** Bytes per second of the downloads on their way together; null when none reports a speed. */
  speedBytesPerSecond: number | null;
  /** Seconds until the last download on its way is done; null when unknown. */
  etaSeconds: number | null;
  /** With the actions that may fix it (`POST /api/requests/{id}/actions/{action}`). */
  problem: (Problem & { actions: ActionName[] }) | null;
  /** TV: how many in-scope episodes are in each state ("5 downloading · 3 downloaded"). */
  episodeCounts: Partial<Record<State, number>>;
  requestedSeasons: number[];
  createdAt: string;
  updatedAt: string;
}

export interface TimelineEntry {
  id: number;
  at: string;
  state: State;
  source: string;
  message: string;
  /** Observation the entry came from; its raw payload is at `/api/observations/{id}/raw`. */
  observationId: number | null;
}

export interface RequestDetail extends RequestSummary {
  episodes: Array<
    Pick<
      EpisodeView,
      'seasonNumber' | 'episodeNumber' | 'title' | 'state' | 'progress' | 'airDate' | 'aired' | 'inScope'
    >
  >;
  downloads: Array<
    Pick<
      DownloadView,
      | 'downloadId'
      | 'name'
      | 'progress'
      | 'state'
      | 'sizeBytes'
      | 'etaSeconds'
      | 'speedBytesPerSecond'
      | 'failureReason'
      | 'clientType'
    > & {
      client: string | null;
      indexer: string | null;
    }
  >;
  timeline: TimelineEntry[];
  jellyfinId: string | null;
}

export function parseEpisodes(row: RequestRow): EpisodeView[] {
  return JSON.parse(row.episodes) as EpisodeView[];
}

function problemView(stored: string | null): RequestSummary['problem'] {
  if (!stored) return null;
  const problem = JSON.parse(stored) as Problem;
  return { ...problem, actions: ACTIONS_FOR_PROBLEM[problem.code] ?? [] };
}

/** Speed and ETA of the downloads still moving, for the board's progress bar. */
function transfer(downloads: DownloadView[]): Pick<RequestSummary, 'speedBytesPerSecond' | 'etaSeconds'> {
  let speed: number | null = null;
  let eta: number | null = null;
  for (const d of downloads) {
    if (d.speedBytesPerSecond !== null && d.speedBytesPerSecond !== undefined) {
      speed = (speed ?? 0) + d.speedBytesPerSecond;
    }
    if (d.etaSeconds !== null && d.etaSeconds !== undefined) eta = Math.max(eta ?? 0, d.etaSeconds);
  }
  return { speedBytesPerSecond: speed, etaSeconds: eta };
}

export function toSummary(row: RequestRow): RequestSummary {
  const episodeCounts: Partial<Record<State, number>> = {};
  for (const e of parseEpisodes(row)) {
    if (e.inScope) episodeCounts[e.state] = (episodeCounts[e.state] ?? 0) + 1;
  }
  return {
    id: row.id,
    title: row.title ?? 'Unknown title',
    year: row.year,
    mediaType: row.mediaType,
    isAnime: row.isAnime,
    state: row.state as State,
    tmdbId: row.tmdbId,
    tvdbId: row.tvdbId,
    imdbId: row.imdbId,
    jellyseerrRequestId: row.jellyseerrRequestId,
    requestedBy: row.requestedBy,
    source: row.source,
    posterUrl: row.posterUrl,
    progress: row.progress,
    ...transfer(JSON.parse(row.downloads) as DownloadView[]),
    problem: problemView(row.problem),
    episodeCounts,
    requestedSeasons: JSON.parse(row.requestedSeasons) as number[],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toDetail(row: RequestRow, timeline: TimelineRow[]): RequestDetail {
  const downloads = JSON.parse(row.downloads) as DownloadView[];
  return {
    ...toSummary(row),
    episodes: parseEpisodes(row).map((e) => ({
      seasonNumber: e.seasonNumber,
      episodeNumber: e.episodeNumber,
      title: e.title,
      state: e.state,
      progress: e.progress,
      airDate: e.airDate,
      aired: e.aired,
      inScope: e.inScope,
    })),
    downloads: downloads.map((d) => ({
      client: d.client ?? d.clientType,
      downloadId: d.downloadId,
      name: d.name,
      progress: d.progress,
      state: d.state,
      sizeBytes: d.sizeBytes,
      etaSeconds: d.etaSeconds,
      // Rows derived before these fields existed lack them.
      speedBytesPerSecond: d.speedBytesPerSecond ?? null,
      failureReason: d.failureReason,
      clientType: d.clientType ?? null,
      indexer: d.indexer ?? null,
    })),
    timeline: timeline.map((t) => ({
      id: t.id,
      at: t.at,
      state: t.state as State,
      source: t.source,
      message: t.message,
      observationId: t.observationId,
    })),
    jellyfinId: row.jellyfinId,
  };
}
