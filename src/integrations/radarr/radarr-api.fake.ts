/**
 * A contract fake of the Radarr REST API v3, following Radarr v5.28.0.10274's OpenAPI document
 * (shared/contracts/radarr/openapi-v3.radarr-v5.28.0.10274.json; the v6.1 API is the same) and the
 * behaviour of its `Radarr.Api.V3` controllers. The Radarr view of the shared core in
 * shared/arr-api.fake.ts, whose header lists every route, quirk and test control.
 *
 * Typical scenario set-up:
 * ```ts
 * const radarr = await startRadarrApiFake();
 * const movie = radarr.addMovie({ tmdbId: 438631, title: 'Dune', year: 2021 });
 * const record = radarr.grab({ movieId: movie.id, status: 'completed', trackedDownloadState: 'importPending' });
 * // the tracker sends DownloadedMoviesScan { path: record.outputPath, downloadClientId: record.downloadId }:
 * // the built-in import moves the record out of the queue, adds the file and a downloadFolderImported record.
 * expect(radarr.sentCommands('DownloadedMoviesScan')).toEqual([{ name: 'DownloadedMoviesScan', path: …, downloadClientId: … }]);
 * ```
 * Edge case 23 (Radarr sent the release to qBittorrent but never tracked it): `grab({ …, queued: false })`
 * leaves only the `grabbed` history record, and `addImportableFolder({ path, movieId })` lets a scan of
 * that folder import it without a downloadId, as Radarr's plain folder import does.
 */
import {
  type ArrApiFake,
  type ArrApiFakeOptions,
  type ArrFakeHistoryInput,
  type ArrFakeHistoryRecord,
  type ArrFakeQueueInput,
  type ArrFakeQueueRecord,
  startArrApiFake,
} from '../shared/arr-api.fake.js';

export const RADARR_FAKE_API_KEY = '0123456789abcdef0123456789abcdef';

/** A download for Radarr's queue: one record, for a movie or (`movieId` null/absent) unknown. */
export type RadarrFakeQueueInput = Omit<ArrFakeQueueInput, 'seriesId' | 'episodeIds'>;

export type RadarrFakeHistoryInput = Omit<ArrFakeHistoryInput, 'seriesId' | 'episodeId'> & {
  /** Radarr's `MovieHistoryEventType` name. */
  eventType:
    | 'unknown'
    | 'grabbed'
    | 'downloadFolderImported'
    | 'downloadFailed'
    | 'movieFileDeleted'
    | 'movieFolderImported'
    | 'movieFileRenamed'
    | 'downloadIgnored';
};

type SonarrOnly =
  | 'addSeries'
  | 'removeSeries'
  | 'addEpisode'
  | 'addEpisodes'
  | 'addEpisodeFile'
  | 'series'
  | 'episodes'
  | 'episodeFiles'
  | 'addQueueItem'
  | 'grab'
  | 'addHistory'
  | 'addImportableFolder';

export interface RadarrApiFake extends Omit<ArrApiFake, SonarrOnly> {
  app: 'Radarr';
  /** Puts a download in the queue (defaults: a downloading torrent, see `ArrFakeQueueInput`). */
  addQueueItem(input: RadarrFakeQueueInput): ArrFakeQueueRecord;
  /** A `grabbed` history record and, unless `queued: false`, the queue record. */
  grab(input: RadarrFakeQueueInput & { queued?: boolean }): ArrFakeQueueRecord;
  addHistory(input: RadarrFakeHistoryInput): ArrFakeHistoryRecord;
  /** A folder Radarr does not track as a download; a DownloadedMoviesScan of it imports the movie. */
  addImportableFolder(folder: { path: string; movieId: number; title?: string; size?: number }): void;
}

export async function startRadarrApiFake(
  options: Partial<Omit<ArrApiFakeOptions, 'app'>> = {},
): Promise<RadarrApiFake> {
  const core = await startArrApiFake({ apiKey: RADARR_FAKE_API_KEY, ...options, app: 'Radarr' });
  const one = (records: ArrFakeQueueRecord[]) => records[0]!;
  return {
    ...core,
    app: 'Radarr',
    addQueueItem: (input) => one(core.addQueueItem(input)),
    grab: (input) => one(core.grab(input)),
    addHistory: (input) => core.addHistory(input),
    addImportableFolder: (folder) => core.addImportableFolder(folder),
  };
}
