import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_RESILIENCE } from '../../../test/support/test-app.js';
import { loadArrOpenApi } from '../shared/arr-openapi.test-utils.js';
import { createSonarrClient, type SonarrClient } from './sonarr.client.js';
import { type SonarrApiFake, startSonarrApiFake } from './sonarr-api.fake.js';

let fake: SonarrApiFake;
let client: SonarrClient;

beforeEach(async () => {
  fake = await startSonarrApiFake({ now: () => new Date('2026-03-01T12:00:00Z') });
  client = createSonarrClient({ url: fake.url, apiKey: fake.apiKey, resilience: TEST_RESILIENCE });
});
afterEach(async () => {
  const spec = loadArrOpenApi('Sonarr');
  expect(
    fake.requests.flatMap((r) => spec.undeclaredParameters(r).map((name) => `${r.path}: ${name}`)),
  ).toEqual([]);
  await fake.close();
});

function frieren() {
  const show = fake.addSeries({
    tvdbId: 424536,
    tmdbId: 209867,
    imdbId: 'tt22248376',
    title: 'Frieren',
    year: 2023,
    seriesType: 'anime',
  });
  const season1 = fake.addEpisodes({ seriesId: show.id, seasonNumber: 1, count: 3 });
  const s2e1 = fake.addEpisode({ seriesId: show.id, seasonNumber: 2, episodeNumber: 1, airDateUtc: null });
  return { show, season1, s2e1 };
}

describe('library', () => {
  it('finds a series by TVDB id with its seasons, or null', async () => {
    const { show, season1 } = frieren();
    fake.addEpisodeFile({ episodeIds: [season1[0]!.id] });
    expect(await client.seriesByTvdbId(424536)).toEqual({
      id: show.id,
      tvdbId: 424536,
      tmdbId: 209867,
      imdbId: 'tt22248376',
      title: 'Frieren',
      year: 2023,
      path: '/tv/Frieren (2023)',
      monitored: true,
      seriesType: 'anime',
      seasons: [
        { seasonNumber: 1, monitored: true, episodeFileCount: 1, episodeCount: 3, totalEpisodeCount: 3 },
        { seasonNumber: 2, monitored: true, episodeFileCount: 0, episodeCount: 1, totalEpisodeCount: 1 },
      ],
      tags: [],
    });
    expect(await client.seriesByTvdbId(1)).toBeNull();
  });

  it('lists episodes of a series or one season; a file is an id, no file is null', async () => {
    const { show, season1, s2e1 } = frieren();
    const file = fake.addEpisodeFile({ episodeIds: [season1[0]!.id, season1[1]!.id] });
    const all = await client.episodes({ seriesId: show.id });
    expect(all.map((e) => [e.seasonNumber, e.episodeNumber, e.hasFile, e.episodeFileId])).toEqual([
      [1, 1, true, file.id],
      [1, 2, true, file.id],
      [1, 3, false, null],
      [2, 1, false, null],
    ]);
    expect(all.at(-1)).toMatchObject({ id: s2e1.id, airDateUtc: null, monitored: true, tvdbId: s2e1.tvdbId });
    expect((await client.episodes({ seriesId: show.id, seasonNumber: 2 })).map((e) => e.id)).toEqual([
      s2e1.id,
    ]);
    expect(fake.calls.at(-1)).toBe(`GET /api/v3/episode?seriesId=${show.id}&seasonNumber=2`);
    expect(await client.episodes({ seriesId: 999 })).toEqual([]);
  });

  it('lists episode files; null when Sonarr has no such series (404)', async () => {
    const { show, season1 } = frieren();
    const file = fake.addEpisodeFile({
      episodeIds: [season1[2]!.id],
      releaseGroup: 'SubsPlease',
      size: 1_400_000_000,
    });
    expect(await client.episodeFiles(show.id)).toEqual([
      {
        id: file.id,
        seriesId: show.id,
        seasonNumber: 1,
        path: '/tv/Frieren (2023)/Season 01/Frieren - S01E03.mkv',
        relativePath: 'Season 01/Frieren - S01E03.mkv',
        sizeBytes: 1_400_000_000,
        dateAdded: '2026-03-01T12:00:00Z',
        sceneName: null,
        releaseGroup: 'SubsPlease',
        quality: 'WEBDL-1080p',
      },
    ]);
    expect(await client.episodeFiles(999)).toBeNull();
  });
});

describe('commands', () => {
  it('DownloadedEpisodesScan of a season pack imports every episode of the download', async () => {
    const { show, season1 } = frieren();
    const pack = fake.grab({ seriesId: show.id, episodeIds: season1.map((e) => e.id), status: 'completed' });
    const queue = await client.queue();
    expect(queue).toHaveLength(3);
    const command = await client.downloadedEpisodesScan({
      path: queue[0]!.outputPath!,
      downloadClientId: queue[0]!.downloadId!,
    });
    expect(fake.sentCommands('DownloadedEpisodesScan')).toEqual([
      { name: 'DownloadedEpisodesScan', path: pack[0]!.outputPath, downloadClientId: pack[0]!.downloadId },
    ]);
    expect(await client.commandStatus(command.id)).toMatchObject({
      status: 'completed',
      result: 'successful',
    });
    expect(await client.queue()).toEqual([]);
    expect((await client.episodes({ seriesId: show.id, seasonNumber: 1 })).every((e) => e.hasFile)).toBe(
      true,
    );
    const history = await client.historyForDownload({
      downloadId: pack[0]!.downloadId!,
      eventType: 'downloadFolderImported',
    });
    expect(history.map((h) => h.episodeId).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      season1.map((e) => e.id),
    );
  });

  it('EpisodeSearch and SeasonSearch bodies; a Radarr command is refused', async () => {
    await client.episodeSearch([7, 8]);
    await client.seasonSearch({ seriesId: 3, seasonNumber: 2 });
    expect(fake.sentCommands()).toEqual([
      { name: 'EpisodeSearch', episodeIds: [7, 8] },
      { name: 'SeasonSearch', seriesId: 3, seasonNumber: 2 },
    ]);
    expect(fake.commands().map((c) => c.status)).toEqual(['completed', 'completed']);
    await expect(client.command({ name: 'DownloadedMoviesScan', path: '/x' })).rejects.toMatchObject({
      kind: 'bad_response',
      status: 500,
    });
  });
});
