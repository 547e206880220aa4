/**
 * A contract fake of the Sonarr REST API v3, following Sonarr v4's OpenAPI document
 * (shared/contracts/sonarr/openapi-v3.sonarr-v4-main.json, `main` = v4.0.19) and the behaviour of its
 * `Sonarr.Api.V3` controllers. The Sonarr view of the shared core in shared/arr-api.fake.ts, whose
 * header lists every route, quirk and test control.
 *
 * Sonarr's queue is per episode: `addQueueItem`/`grab` with `episodeIds` create one record per episode,
 * all sharing the download id (a season pack), and removing one removes them all. A
 * DownloadedEpisodesScan of the download imports one file per episode.
 * ```ts
 * const sonarr = await startSonarrApiFake();
 * const show = sonarr.addSeries({ tvdbId: 424536, title: 'Frieren', year: 2023, seriesType: 'anime' });
 * const episodes = sonarr.addEpisodes({ seriesId: show.id, seasonNumber: 1, count: 3 });
 * sonarr.grab({ seriesId: show.id, episodeIds: episodes.map((e) => e.id), status: 'completed' });
 * ```
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

export const SONARR_FAKE_API_KEY = 'fedcba9876543210fedcba9876543210';

/** A download for Sonarr's queue: one record per episode (none given: one unmatched record). */
export type SonarrFakeQueueInput = Omit<ArrFakeQueueInput, 'movieId'>;

export type SonarrFakeHistoryInput = Omit<ArrFakeHistoryInput, 'movieId'> & {
  /** Sonarr's `EpisodeHistoryEventType` name. */
  eventType:
    | 'unknown'
    | 'grabbed'
    | 'seriesFolderImported'
    | 'downloadFolderImported'
    | 'downloadFailed'
    | 'episodeFileDeleted'
    | 'episodeFileRenamed'
    | 'downloadIgnored';
};

type RadarrOnly =
  | 'addMovie'
  | 'removeMovie'
  | 'addMovieFile'
  | 'movies'
  | 'movieFiles'
  | 'addQueueItem'
  | 'grab'
  | 'addHistory'
  | 'addImportableFolder';

export interface SonarrApiFake extends Omit<ArrApiFake, RadarrOnly> {
  app: 'Sonarr';
  /** Puts a download in the queue: one record per episode (defaults: a downloading torrent). */
  addQueueItem(input: SonarrFakeQueueInput): ArrFakeQueueRecord[];
  /** A `grabbed` history record per episode and, unless `queued: false`, the queue records. */
  grab(input: SonarrFakeQueueInput & { queued?: boolean }): ArrFakeQueueRecord[];
  addHistory(input: SonarrFakeHistoryInput): ArrFakeHistoryRecord;
  /** A folder Sonarr does not track as a download; a DownloadedEpisodesScan of it imports the episodes. */
  addImportableFolder(folder: {
    path: string;
    seriesId: number;
    episodeIds: number[];
    title?: string;
    size?: number;
  }): void;
}

export async function startSonarrApiFake(
  options: Partial<Omit<ArrApiFakeOptions, 'app'>> = {},
): Promise<SonarrApiFake> {
  const core = await startArrApiFake({ apiKey: SONARR_FAKE_API_KEY, ...options, app: 'Sonarr' });
  return {
    ...core,
    app: 'Sonarr',
    addQueueItem: (input) => core.addQueueItem(input),
    grab: (input) => core.grab(input),
    addHistory: (input) => core.addHistory(input),
    addImportableFolder: (folder) => core.addImportableFolder(folder),
  };
}
