import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_RESILIENCE } from '../../../test/support/test-app.js';
import { loadArrOpenApi } from '../shared/arr-openapi.test-utils.js';
import { createRadarrClient, type RadarrClient } from './radarr.client.js';
import { type RadarrApiFake, startRadarrApiFake } from './radarr-api.fake.js';

let fake: RadarrApiFake;
let client: RadarrClient;

beforeEach(async () => {
  fake = await startRadarrApiFake({ now: () => new Date('2026-03-01T12:00:00Z') });
  client = createRadarrClient({ url: fake.url, apiKey: fake.apiKey, resilience: TEST_RESILIENCE });
});
afterEach(async () => {
  const spec = loadArrOpenApi('Radarr');
  // Whatever a test did, the client only used parameters the document declares.
  expect(
    fake.requests.flatMap((r) => spec.undeclaredParameters(r).map((name) => `${r.path}: ${name}`)),
  ).toEqual([]);
  await fake.close();
});

describe('library', () => {
  it('finds a movie by TMDB id, or null when Radarr does not have it', async () => {
    const dune = fake.addMovie({ tmdbId: 438631, imdbId: 'tt1160419', title: 'Dune', year: 2021, tags: [3] });
    fake.addMovie({ tmdbId: 329865, title: 'Arrival', year: 2016, monitored: false });
    expect(await client.movieByTmdbId(438631)).toEqual({
      id: dune.id,
      tmdbId: 438631,
      imdbId: 'tt1160419',
      title: 'Dune',
      year: 2021,
      path: '/movies/Dune (2021)',
      hasFile: false,
      movieFileId: null,
      monitored: true,
      status: 'released',
      sizeOnDiskBytes: 0,
      tags: [3],
    });
    expect(await client.movieByTmdbId(1)).toBeNull();
    expect(fake.calls).toEqual(['GET /api/v3/movie?tmdbId=438631', 'GET /api/v3/movie?tmdbId=1']);
  });

  it('lists a movie’s files ([] without), and the movie then has its file', async () => {
    const arrival = fake.addMovie({ tmdbId: 329865, title: 'Arrival', year: 2016 });
    expect(await client.movieFiles(arrival.id)).toEqual([]);
    const file = fake.addMovieFile({
      movieId: arrival.id,
      size: 9_000_000_000,
      sceneName: 'Arrival.2016.1080p.BluRay-SPARKS',
      releaseGroup: 'SPARKS',
    });
    expect(await client.movieFiles(arrival.id)).toEqual([
      {
        id: file.id,
        movieId: arrival.id,
        path: '/movies/Arrival (2016)/Arrival (2016).mkv',
        relativePath: 'Arrival (2016).mkv',
        sizeBytes: 9_000_000_000,
        dateAdded: '2026-03-01T12:00:00Z',
        sceneName: 'Arrival.2016.1080p.BluRay-SPARKS',
        releaseGroup: 'SPARKS',
        quality: 'Bluray-1080p',
      },
    ]);
    expect(await client.movieByTmdbId(329865)).toMatchObject({
      hasFile: true,
      movieFileId: file.id,
      sizeOnDiskBytes: 9_000_000_000,
    });
  });
});

describe('commands', () => {
  it('DownloadedMoviesScan: the exact body once; Radarr imports the tracked download', async () => {
    const dune = fake.addMovie({ tmdbId: 438631, title: 'Dune', year: 2021 });
    const record = fake.grab({
      movieId: dune.id,
      status: 'completed',
      trackedDownloadState: 'importPending',
    });
    const [queued] = await client.queue();

    const command = await client.downloadedMoviesScan({
      path: queued!.outputPath!,
      downloadClientId: queued!.downloadId!,
    });
    expect(command).toMatchObject({ name: 'DownloadedMoviesScan', status: 'queued', finished: false });
    expect(fake.sentCommands('DownloadedMoviesScan')).toEqual([
      { name: 'DownloadedMoviesScan', path: record.outputPath, downloadClientId: record.downloadId },
    ]);
    expect(await client.commandStatus(command.id)).toMatchObject({
      status: 'completed',
      result: 'successful',
    });
    expect(await client.queue()).toEqual([]);
    const history = await client.historyForDownload({ downloadId: record.downloadId! });
    expect(history.map((h) => h.eventType)).toEqual(['downloadFolderImported', 'grabbed']);
    expect(history[0]?.data).toMatchObject({ importedPath: '/movies/Dune (2021)/Dune (2021).mkv' });
    expect(await client.movieByTmdbId(438631)).toMatchObject({ hasFile: true });
  });

  it('DownloadedMoviesScan that finds nothing ends completed but unsuccessful; importMode only when given', async () => {
    const dune = fake.addMovie({ tmdbId: 438631, title: 'Dune', year: 2021 });
    const record = fake.addQueueItem({ movieId: dune.id, status: 'completed' });
    const command = await client.downloadedMoviesScan({
      path: '/mnt/qbittorrent/Dune.2021',
      downloadClientId: record.downloadId!,
      importMode: 'copy',
    });
    expect(await client.commandStatus(command.id)).toMatchObject({
      status: 'completed',
      result: 'unsuccessful',
      message: 'Failed to import',
      finished: true,
    });
    expect(fake.sentCommands()).toEqual([
      {
        name: 'DownloadedMoviesScan',
        path: '/mnt/qbittorrent/Dune.2021',
        downloadClientId: record.downloadId,
        importMode: 'copy',
      },
    ]);
    expect(await client.queue()).toHaveLength(1);
  });

  it('edge case 23: a download Radarr never queued is imported by folder, the history then has no download id', async () => {
    const dune = fake.addMovie({ tmdbId: 438631, title: 'Dune', year: 2021 });
    const lost = fake.grab({ movieId: dune.id, queued: false });
    fake.addImportableFolder({ path: lost.outputPath!, movieId: dune.id });
    expect(await client.queue()).toEqual([]);
    const command = await client.downloadedMoviesScan({
      path: lost.outputPath!,
      downloadClientId: lost.downloadId!,
    });
    expect(await client.commandStatus(command.id)).toMatchObject({ result: 'successful' });
    expect(
      (await client.historyForDownload({ downloadId: lost.downloadId! })).map((h) => h.eventType),
    ).toEqual(['grabbed']);
    const since = await client.historySince({
      date: '2026-03-01T00:00:00Z',
      eventType: 'downloadFolderImported',
    });
    expect(since).toEqual([expect.objectContaining({ movieId: dune.id, downloadId: null })]);
  });

  it('MoviesSearch sends the movie ids', async () => {
    const command = await client.moviesSearch([4, 5]);
    expect(command.name).toBe('MoviesSearch');
    expect(fake.sentCommands()).toEqual([{ name: 'MoviesSearch', movieIds: [4, 5] }]);
  });
});
