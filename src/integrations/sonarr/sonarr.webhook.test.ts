import { describe, expect, it } from 'vitest';
import { radarrGrab } from '../radarr/radarr.fake.js';
import {
  clone,
  context,
  expectError,
  expectEvent,
  expectOne,
  loadCapture,
  omit,
  RECEIVED_AT,
} from '../shared/webhook.test-utils.js';
import {
  sonarrDownloadFile,
  sonarrEpisodeFileDelete,
  sonarrEpisodes,
  sonarrGrab,
  sonarrHealth,
  sonarrImportComplete,
  sonarrManualInteractionRequired,
  sonarrRename,
  sonarrSeriesAdd,
  sonarrSeriesDelete,
  sonarrTest,
} from './sonarr.fake.js';
import { parseSonarrWebhook as parse } from './sonarr.webhook.js';

const series = {
  seriesId: 23,
  tvdbId: 81189,
  title: 'Breaking Bad',
  year: 2008,
  tmdbId: 1396,
  imdbId: 'tt0903747',
};
const HASH = '3F92992E2FBEB6EBB251304236BF5E0B600A91C3';
const NZO = 'SABnzbd_nzo_abc123';
const episodes = sonarrEpisodes({ seasonNumber: 1, count: 3, firstId: 100, firstTvdbId: 349232 });

describe('Sonarr webhook: captures', () => {
  it('parses the season-pack Grab capture: 13 episodes, anime, uppercase hash', () => {
    const obs = expectOne(parse(loadCapture('sonarr-grab'), context));
    expect(obs).toMatchObject({
      kind: 'grabbed',
      source: 'sonarr',
      at: RECEIVED_AT,
      download: {
        id: HASH,
        client: 'qBittorrent (VPN)',
        clientType: 'qBittorrent',
        name: '[FLE] Lycoris Recoil - S01 REPACK (BD 1080p HEVC x265 Opus) [Dual Audio]',
        sizeBytes: 33930242048,
      },
      media: {
        mediaType: 'tv',
        tvdbId: 414057,
        tmdbId: 154494,
        imdbId: 'tt16755706',
        title: 'Lycoris Recoil',
        year: 2022,
        arr: { app: 'sonarr', instance: 'Sonarr', id: 23 },
        isAnime: true,
        posterUrl: 'https://artworks.thetvdb.com/...',
      },
    });
    expect(obs.episodes).toHaveLength(13);
    expect(obs.episodes?.[0]).toEqual({
      seasonNumber: 1,
      episodeNumber: 1,
      sonarrEpisodeId: 739,
      tvdbId: 8916235,
      title: 'Easy does it',
      airDate: undefined,
      airDateUtc: undefined,
    });
    expect(obs.episodes?.map((e) => e.episodeNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('parses the Import Complete capture: one file per element, top-level sourcePath', () => {
    const obs = expectOne(parse(loadCapture('sonarr-import'), context));
    expect(obs.kind).toBe('imported');
    if (obs.kind !== 'imported') return;
    expect(obs.isUpgrade).toBe(false);
    expect(obs.download).toMatchObject({ id: HASH, client: 'qBittorrent (VPN)' });
    expect(obs.files).toHaveLength(13);
    expect(obs.files[0]).toEqual({
      id: undefined,
      path: '/data/anime/shows/Lycoris Recoil/Season 1/Lycoris.Recoil.S01E01.mkv',
      sourcePath:
        '/data/downloads/complete/Lycoris.Recoil.S01.REPACK.1080p.BluRay.Dual-Audio.Opus2.0.x265-FLE',
    });
    expect(obs.episodes).toHaveLength(13);
    expect(obs.episodes?.[12]).toMatchObject({ episodeNumber: 13, sonarrEpisodeId: 751, tvdbId: undefined });
    // The abridged capture has no tmdbId or year.
    expect(obs.media).toMatchObject({ tvdbId: 414057, isAnime: true, arr: { id: 23 } });
    expect(obs.media.tmdbId).toBeUndefined();
    expect(obs.media.year).toBeUndefined();
  });
});

describe('Sonarr webhook: events', () => {
  it('makes N episodes of a season', () => {
    expect(sonarrEpisodes({ seasonNumber: 2, count: 2, firstId: 5, firstEpisodeNumber: 7 })).toEqual([
      { id: 5, seasonNumber: 2, episodeNumber: 7 },
      { id: 6, seasonNumber: 2, episodeNumber: 8 },
    ]);
  });

  it('Grab → grabbed with every covered episode', () => {
    const body = sonarrGrab({
      ...series,
      episodes: [...episodes.slice(0, 1), { ...episodes[1]!, airDate: '2008-01-27' }],
      downloadId: NZO,
      downloadClient: 'SABnzbd',
      downloadClientType: 'SABnzbd',
    });
    const obs = expectOne(parse(body, context));
    expect(obs).toMatchObject({
      kind: 'grabbed',
      download: { id: NZO, client: 'SABnzbd', clientType: 'SABnzbd', sizeBytes: 3_000_000_000 },
      releaseTitle: 'Breaking.Bad.S01.1080p.WEB-DL-GROUP',
      media: {
        mediaType: 'tv',
        tvdbId: 81189,
        tmdbId: 1396,
        imdbId: 'tt0903747',
        title: 'Breaking Bad',
        year: 2008,
        arr: { app: 'sonarr', instance: 'Sonarr', id: 23 },
        posterUrl: 'https://artworks.thetvdb.com/banners/81189-poster.jpg',
      },
    });
    expect(obs.media.isAnime).toBeUndefined();
    expect(obs.episodes).toEqual([
      {
        seasonNumber: 1,
        episodeNumber: 1,
        sonarrEpisodeId: 100,
        tvdbId: 349232,
        title: 'Episode 1',
        airDate: undefined,
        airDateUtc: undefined,
      },
      {
        seasonNumber: 1,
        episodeNumber: 2,
        sonarrEpisodeId: 101,
        tvdbId: 349233,
        title: 'Episode 2',
        airDate: '2008-01-27',
        airDateUtc: '2008-01-27T01:00:00Z',
      },
    ]);
  });

  it('turns a 0 series tvdbId/tmdbId and a 0 episode tvdbId into undefined', () => {
    const body = sonarrGrab({
      ...series,
      tvdbId: 0,
      tmdbId: 0,
      episodes: [{ id: 1, seasonNumber: 1, episodeNumber: 1 }],
      downloadId: NZO,
    });
    const obs = expectOne(parse(body, context));
    expect(obs.media.tvdbId).toBeUndefined();
    expect(obs.media.tmdbId).toBeUndefined();
    expect(obs.episodes?.[0]?.tvdbId).toBeUndefined();
  });

  it('detects anime by series type, tag or root folder', () => {
    const base = { ...series, episodes, downloadId: NZO };
    expect(expectOne(parse(sonarrGrab({ ...base, type: 'anime' }), context)).media.isAnime).toBe(true);
    expect(expectOne(parse(sonarrGrab({ ...base, tags: ['anime'] }), context)).media.isAnime).toBe(true);
    expect(
      expectOne(parse(sonarrGrab({ ...base, path: '/tv/anime-tv/Frieren' }), context)).media.isAnime,
    ).toBe(true);
    expect(expectOne(parse(sonarrGrab({ ...base, type: 'daily' }), context)).media.isAnime).toBeUndefined();
  });

  it('Download per file → imported with that file and its episodes', () => {
    const body = sonarrDownloadFile({
      ...series,
      episodes: episodes.slice(1, 2),
      episodeFileId: 501,
      path: '/tv/Breaking Bad/Season 1/Breaking Bad - S01E02.mkv',
      sourcePath: '/downloads/Breaking.Bad.S01/Breaking.Bad.S01E02.mkv',
      downloadId: HASH,
      isUpgrade: true,
    });
    const obs = expectOne(parse(body, context));
    expect(obs).toMatchObject({
      kind: 'imported',
      isUpgrade: true,
      download: { id: HASH, client: 'qBittorrent', name: 'Breaking.Bad.S01E02.1080p.WEB-DL-GROUP' },
      files: [
        {
          id: 501,
          path: '/tv/Breaking Bad/Season 1/Breaking Bad - S01E02.mkv',
          sourcePath: '/downloads/Breaking.Bad.S01/Breaking.Bad.S01E02.mkv',
        },
      ],
    });
    expect(obs.episodes?.map((e) => e.sonarrEpisodeId)).toEqual([101]);
  });

  it('Download per file of a manual import has no download', () => {
    const obs = expectOne(parse(sonarrDownloadFile({ ...series, episodes, episodeFileId: 9 }), context));
    expect(obs.kind === 'imported' && obs.download).toBeUndefined();
  });

  it('Download "On Import Complete" → imported with one file per element', () => {
    const body = sonarrImportComplete({
      ...series,
      episodes,
      downloadId: HASH,
      episodeFiles: [
        { id: 11, path: '/tv/Breaking Bad/Season 1/E01.mkv' },
        { id: 12, path: '/tv/Breaking Bad/Season 1/E02-E03.mkv' },
      ],
      sourcePath: '/downloads/Breaking.Bad.S01',
    });
    expect(body.destinationPath).toBe('/tv/Breaking Bad/Season 1');
    const obs = expectOne(parse(body, context));
    expect(obs).toMatchObject({
      kind: 'imported',
      isUpgrade: false,
      download: { id: HASH },
      files: [
        { id: 11, path: '/tv/Breaking Bad/Season 1/E01.mkv', sourcePath: '/downloads/Breaking.Bad.S01' },
        { id: 12, path: '/tv/Breaking Bad/Season 1/E02-E03.mkv', sourcePath: '/downloads/Breaking.Bad.S01' },
      ],
    });
    expect(obs.episodes).toHaveLength(3);
  });

  it('Import Complete keeps a per-file sourcePath when one is given', () => {
    const body = sonarrImportComplete({ ...series, episodes: episodes.slice(0, 1), downloadId: HASH });
    const withSource = {
      ...body,
      episodeFiles: body.episodeFiles.map((f) => ({ ...f, sourcePath: '/downloads/own.mkv' })),
    };
    const obs = expectOne(parse(withSource, context));
    expect(obs.kind === 'imported' && obs.files[0]?.sourcePath).toBe('/downloads/own.mkv');
  });

  it('ManualInteractionRequired → import_blocked', () => {
    const body = sonarrManualInteractionRequired({
      ...series,
      episodes,
      downloadId: HASH,
      statusMessages: [
        {
          title: 'Breaking.Bad.S01E01.mkv',
          messages: ['Episode was unexpected considering the folder name'],
        },
      ],
    });
    const obs = expectOne(parse(body, context));
    expect(obs).toMatchObject({
      kind: 'import_blocked',
      download: { id: HASH, name: 'Breaking.Bad.S01.1080p.WEB-DL-GROUP' },
      messages: ['Breaking.Bad.S01E01.mkv: Episode was unexpected considering the folder name'],
    });
    expect(obs.episodes).toHaveLength(3);
  });

  it('SeriesAdd → added, SeriesDelete → deleted, without episodes', () => {
    const added = expectOne(parse(sonarrSeriesAdd(series), context));
    expect(added).toMatchObject({ kind: 'added', media: { tvdbId: 81189, arr: { id: 23 } } });
    expect(added.episodes).toBeUndefined();
    const deleted = expectOne(parse(sonarrSeriesDelete({ ...series, deletedFiles: true }), context));
    expect(deleted).toMatchObject({ kind: 'deleted', media: { tvdbId: 81189 } });
  });

  it('EpisodeFileDelete → file_deleted with its episodes', () => {
    const obs = expectOne(
      parse(
        sonarrEpisodeFileDelete({
          ...series,
          episodes: episodes.slice(0, 1),
          episodeFileId: 77,
          deleteReason: 'missingFromDisk',
        }),
        context,
      ),
    );
    expect(obs).toMatchObject({ kind: 'file_deleted', fileIds: [77], reason: 'missingFromDisk' });
    expect(obs.episodes?.map((e) => e.episodeNumber)).toEqual([1]);
  });

  it('Health and HealthRestored carry a health report and no observations', () => {
    expect(expectEvent(parse(sonarrHealth(), context))).toEqual({
      ok: true,
      kind: 'event',
      eventType: 'Health',
      observations: [],
      health: {
        level: 'error',
        message: 'Indexers unavailable due to failures for more than 6 hours: Nyaa.si (Prowlarr)',
        restored: false,
      },
    });
    expect(
      expectEvent(parse(sonarrHealth({ restored: true, level: 'warning' }), context)).health,
    ).toMatchObject({
      level: 'warning',
      restored: true,
    });
  });

  it('Test → test', () => {
    expect(parse(sonarrTest(), context)).toEqual({ ok: true, kind: 'test', eventType: 'Test' });
  });

  it.each([
    ['Rename', sonarrRename(series)],
    ['ApplicationUpdate', { eventType: 'ApplicationUpdate', message: 'updated', instanceName: 'Sonarr' }],
    ['SeriesUpdated', { eventType: 'SeriesUpdated' }],
  ])('%s → event without observations', (eventType, body) => {
    expect(parse(body, context)).toEqual({ ok: true, kind: 'event', eventType, observations: [] });
  });

  it('is deterministic and does not change the body', () => {
    const body = sonarrGrab({ ...series, episodes, downloadId: HASH });
    const before = clone(body);
    expect(parse(body, context)).toEqual(parse(body, context));
    expect(body).toEqual(before);
  });

  it('tolerates unknown keys (Sonarr v5 additions) and omitted reference fields', () => {
    const grab = sonarrGrab({ ...series, episodes, downloadId: HASH });
    const body = {
      ...grab,
      series: {
        ...omit(grab.series, 'imdbId', 'images', 'tags', 'titleSlug'),
        malIds: [1],
        originalCountry: 'us',
      },
      episodes: grab.episodes.map((e) => ({ ...omit(e, 'title'), finaleType: 'season' })),
    };
    const obs = expectOne(parse(body, context));
    expect(obs.media.imdbId).toBeUndefined();
    expect(obs.episodes?.[0]?.title).toBeUndefined();
  });
});

describe('Sonarr webhook: rejections', () => {
  it('rejects non-objects and bodies without eventType', () => {
    expect(expectError(parse([], context))).toBe('body is not a JSON object');
    expect(expectError(parse({ notification_type: 'MEDIA_APPROVED' }, context))).toBe(
      'not a Sonarr payload: eventType missing (this looks like a Jellyseerr payload)',
    );
  });

  it('rejects a Radarr payload', () => {
    const body = radarrGrab({ movieId: 1, tmdbId: 2, title: 'Movie', year: 2000, downloadId: HASH });
    expect(expectError(parse(body, context))).toMatch(/^not a Sonarr payload: .*movie.*Radarr payload/);
  });

  it('names the field with a wrong type', () => {
    const grab = sonarrGrab({ ...series, episodes, downloadId: HASH });
    const body = { ...grab, episodes: [{ ...grab.episodes[0]!, seasonNumber: '1' }] };
    expect(expectError(parse(body, context))).toBe(
      'Grab: episodes[0].seasonNumber: expected a number, got "1"',
    );
    const noSeries = omit(grab, 'series');
    expect(expectError(parse(noSeries, context))).toBe('Grab: series: missing, expected an object');
  });

  it('rejects a Download with neither episodeFile nor episodeFiles', () => {
    const body = omit(sonarrDownloadFile({ ...series, episodes, episodeFileId: 1 }), 'episodeFile');
    expect(expectError(parse(body, context))).toContain('Download: episodeFile: missing');
  });

  it('rejects an Import Complete whose episodeFiles is not a list of files', () => {
    const body = sonarrImportComplete({ ...series, episodes, downloadId: HASH });
    expect(expectError(parse({ ...body, episodeFiles: 'all' }, context))).toBe(
      'Download: episodeFiles: expected an array, got "all"',
    );
    expect(expectError(parse({ ...body, episodeFiles: [{ id: 1 }] }, context))).toBe(
      'Download: episodeFiles[0].path: missing, expected a string',
    );
  });

  it('rejects an EpisodeFileDelete without a file id', () => {
    const body = sonarrEpisodeFileDelete({ ...series, episodes, episodeFileId: 1 });
    expect(expectError(parse({ ...body, episodeFile: omit(body.episodeFile, 'id') }, context))).toBe(
      'EpisodeFileDelete: episodeFile.id: missing, expected a number',
    );
  });
});
