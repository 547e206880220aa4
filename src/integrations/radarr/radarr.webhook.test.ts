import { describe, expect, it } from 'vitest';
import { jellyseerrNotification } from '../jellyseerr/jellyseerr.fake.js';
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
import { sonarrGrab } from '../sonarr/sonarr.fake.js';
import {
  radarrApplicationUpdate,
  radarrDownload,
  radarrGrab,
  radarrHealth,
  radarrManualInteractionRequired,
  radarrMovieAdded,
  radarrMovieDelete,
  radarrMovieFileDelete,
  radarrTest,
} from './radarr.fake.js';
import { parseRadarrWebhook as parse } from './radarr.webhook.js';

const movie = { movieId: 7, tmdbId: 603, title: 'The Matrix', year: 1999, imdbId: 'tt0133093' };
const HASH = 'C2C60F66C126652A86F7F2EE73DC83D4E255929E';

describe('Radarr webhook: captures', () => {
  it('parses the Grab capture', () => {
    const obs = expectOne(parse(loadCapture('radarr-grab'), context));
    expect(obs).toEqual({
      kind: 'grabbed',
      source: 'radarr',
      at: RECEIVED_AT,
      download: {
        id: HASH,
        client: 'qBittorrent (VPN)',
        clientType: 'qBittorrent',
        name: '[The-Nut] Violet Evergarden The Movie 2020 [BD][1080p 10bit AV1]',
        sizeBytes: 1181116032,
      },
      releaseTitle: '[The-Nut] Violet Evergarden The Movie 2020 [BD][1080p 10bit AV1]',
      indexer: 'Nyaa.si (Prowlarr)',
      tags: ['anime'],
      media: {
        mediaType: 'movie',
        tmdbId: 533514,
        imdbId: 'tt8652818',
        title: 'Violet Evergarden: The Movie',
        year: 2020,
        arr: { app: 'radarr', instance: 'Radarr', id: 52 },
        isAnime: true,
        posterUrl: 'https://image.tmdb.org/t/p/original/4b7uAGVtgA85Yd911yOJqIsHigx.jpg',
      },
    });
  });

  it('parses the (hand-edited) Download capture: top-level sourcePath, no isUpgrade', () => {
    const obs = expectOne(parse(loadCapture('radarr-import'), context));
    expect(obs.kind).toBe('imported');
    if (obs.kind !== 'imported') return;
    expect(obs.isUpgrade).toBe(false);
    expect(obs.files).toEqual([
      {
        id: 36,
        path: '/data/anime/movies/Violet Evergarden - Recollections (2021)/Violet.Evergarden.Recollections.2022.1080p.NF.WEB-DL.AAC2.0.x264-GST.mkv',
        sourcePath:
          '/data/downloads/complete/Violet.Evergarden.Recollections.2022.1080p.NF.WEB-DL.AAC2.0.x264-GST.mkv',
      },
    ]);
    expect(obs.download).toEqual({
      id: '327CCE10156316F79C005B0E953B9E8498E066EB',
      client: 'qBittorrent (VPN)',
      clientType: 'qBittorrent',
      name: undefined,
      sizeBytes: undefined,
    });
    expect(obs.media).toMatchObject({ tmdbId: 1052946, year: 2021, isAnime: true, arr: { id: 51 } });
    expect(obs.media.posterUrl).toBeUndefined();
  });
});

describe('Radarr webhook: events', () => {
  it('Grab → grabbed', () => {
    const obs = expectOne(
      parse(radarrGrab({ ...movie, downloadId: HASH, downloadClient: 'qbit-vpn', size: 123 }), context),
    );
    expect(obs).toMatchObject({
      kind: 'grabbed',
      source: 'radarr',
      at: RECEIVED_AT,
      download: { id: HASH, client: 'qbit-vpn', clientType: 'qBittorrent', sizeBytes: 123 },
      releaseTitle: 'The.Matrix.1999.1080p.BluRay.x264-GROUP',
      media: {
        mediaType: 'movie',
        tmdbId: 603,
        imdbId: 'tt0133093',
        title: 'The Matrix',
        year: 1999,
        arr: { app: 'radarr', instance: 'Radarr', id: 7 },
        posterUrl: 'https://image.tmdb.org/t/p/original/poster-603.jpg',
      },
    });
    expect(obs.media.isAnime).toBeUndefined();
  });

  it('Grab without downloadId (blackhole) names the download after the release', () => {
    const body = omit(
      radarrGrab({ ...movie, downloadId: 'x', releaseTitle: 'The.Matrix.1999.REMUX' }),
      'downloadId',
    );
    const obs = expectOne(parse(body, context));
    expect(obs.kind === 'grabbed' && obs.download.id).toBe('release:The.Matrix.1999.REMUX');
  });

  it('Grab without downloadId and without release title is an error', () => {
    const grab = radarrGrab({ ...movie, downloadId: 'x' });
    const body = { ...omit(grab, 'downloadId'), release: omit(grab.release, 'releaseTitle') };
    expect(expectError(parse(body, context))).toContain('downloadId');
  });

  it('uses instanceName as the arr instance', () => {
    const obs = expectOne(
      parse(radarrGrab({ ...movie, downloadId: HASH, instanceName: 'Radarr 4K' }), context),
    );
    expect(obs.media.arr).toEqual({ app: 'radarr', instance: 'Radarr 4K', id: 7 });
  });

  it('falls back to remoteMovie.tmdbId when movie.tmdbId is 0, and to undefined when both are 0', () => {
    const grab = radarrGrab({ ...movie, downloadId: HASH });
    const zero = { ...grab, movie: { ...grab.movie, tmdbId: 0 } };
    expect(expectOne(parse(zero, context)).media.tmdbId).toBe(603);
    const none = { ...zero, remoteMovie: { ...zero.remoteMovie, tmdbId: 0 } };
    expect(expectOne(parse(none, context)).media.tmdbId).toBeUndefined();
    expect(expectOne(parse(omit(zero, 'remoteMovie'), context)).media.tmdbId).toBeUndefined();
  });

  it('detects anime by tag or by root folder, never by genre', () => {
    const byTag = radarrGrab({ ...movie, downloadId: HASH, tags: ['4k', 'Anime'] });
    expect(expectOne(parse(byTag, context)).media.isAnime).toBe(true);
    const byPath = radarrGrab({ ...movie, downloadId: HASH, folderPath: '/data/Anime Movies/Akira (1988)' });
    expect(expectOne(parse(byPath, context)).media.isAnime).toBe(true);
    const animated = radarrGrab({ ...movie, downloadId: HASH, folderPath: '/data/movies/Up (2009)' });
    const withGenre = { ...animated, movie: { ...animated.movie, genres: ['Animation'] } };
    expect(expectOne(parse(withGenre, context)).media.isAnime).toBeUndefined();
  });

  it('Download → imported with the movie file, its source path and the download', () => {
    const body = radarrDownload({
      ...movie,
      downloadId: HASH,
      movieFileId: 36,
      path: '/data/media/movies/The Matrix (1999)/The Matrix (1999).mkv',
      sourcePath: '/downloads/The.Matrix.1999.mkv',
      isUpgrade: true,
    });
    const obs = expectOne(parse(body, context));
    expect(obs).toMatchObject({
      kind: 'imported',
      isUpgrade: true,
      files: [
        {
          id: 36,
          path: '/data/media/movies/The Matrix (1999)/The Matrix (1999).mkv',
          sourcePath: '/downloads/The.Matrix.1999.mkv',
        },
      ],
      download: { id: HASH, client: 'qBittorrent', name: 'The.Matrix.1999.1080p.BluRay.x264-GROUP' },
      media: { tmdbId: 603, arr: { id: 7 } },
    });
  });

  it('Download of a manual import has no download', () => {
    const obs = expectOne(parse(radarrDownload({ ...movie, movieFileId: 1 }), context));
    expect(obs.kind === 'imported' && obs.download).toBeUndefined();
    expect(obs.kind === 'imported' && obs.isUpgrade).toBe(false);
  });

  it('ManualInteractionRequired → import_blocked with flattened messages', () => {
    const body = radarrManualInteractionRequired({
      ...movie,
      downloadId: HASH,
      statusMessages: [
        { title: 'The.Matrix.1999.mkv', messages: ['Unable to parse file', 'Not a sample'] },
        { title: 'One or more movies expected in this release were not imported', messages: [] },
      ],
    });
    const obs = expectOne(parse(body, context));
    expect(obs).toMatchObject({
      kind: 'import_blocked',
      download: { id: HASH, name: 'The.Matrix.1999.1080p.BluRay.x264-GROUP', sizeBytes: 8_000_000_000 },
      messages: [
        'The.Matrix.1999.mkv: Unable to parse file',
        'The.Matrix.1999.mkv: Not a sample',
        'One or more movies expected in this release were not imported',
      ],
    });
  });

  it('MovieAdded → added, MovieDelete → deleted', () => {
    expect(expectOne(parse(radarrMovieAdded(movie), context))).toMatchObject({
      kind: 'added',
      media: { tmdbId: 603, arr: { id: 7 } },
    });
    expect(expectOne(parse(radarrMovieDelete({ ...movie, deletedFiles: true }), context))).toMatchObject({
      kind: 'deleted',
      media: { tmdbId: 603 },
    });
  });

  it('MovieFileDelete → file_deleted with the file id and reason', () => {
    const obs = expectOne(
      parse(radarrMovieFileDelete({ ...movie, movieFileId: 36, deleteReason: 'upgrade' }), context),
    );
    expect(obs).toMatchObject({ kind: 'file_deleted', fileIds: [36], reason: 'upgrade' });
  });

  it('Health and HealthRestored carry a health report and no observations', () => {
    const health = expectEvent(parse(radarrHealth({ level: 'error', message: 'Disk full' }), context));
    expect(health).toEqual({
      ok: true,
      kind: 'event',
      eventType: 'Health',
      observations: [],
      health: { level: 'error', message: 'Disk full', restored: false },
    });
    const restored = expectEvent(parse(radarrHealth({ restored: true }), context));
    expect(restored.health).toEqual({
      level: 'warning',
      message: 'Unable to communicate with qBittorrent.',
      restored: true,
    });
  });

  it('Test → test', () => {
    expect(parse(radarrTest(), context)).toEqual({ ok: true, kind: 'test', eventType: 'Test' });
  });

  it.each([
    ['ApplicationUpdate', radarrApplicationUpdate()],
    ['Rename', { ...radarrMovieAdded(movie), eventType: 'Rename', renamedMovieFiles: [] }],
    ['MovieUpdated', { eventType: 'MovieUpdated' }],
    ['SomethingFromRadarr7', { eventType: 'SomethingFromRadarr7', whatever: [1, 2] }],
  ])('%s → event without observations', (eventType, body) => {
    expect(parse(body, context)).toEqual({ ok: true, kind: 'event', eventType, observations: [] });
  });
});

describe('Radarr webhook: tolerance', () => {
  it('accepts unknown keys everywhere and omitted or null reference fields', () => {
    const grab = radarrGrab({ ...movie, downloadId: HASH });
    const body = {
      ...omit(grab, 'applicationUrl', 'customFormatInfo', 'downloadClientType'),
      futureField: { nested: true },
      movie: { ...omit(grab.movie, 'images', 'tags', 'overview', 'genres'), imdbId: null, malIds: [1] },
      release: { ...grab.release, releaseGroup: null, extra: 'x' },
    };
    const obs = expectOne(parse(body, context));
    expect(obs.media.imdbId).toBe('tt0133093'); // from remoteMovie
    expect(obs.kind === 'grabbed' && obs.download.clientType).toBeUndefined();
  });

  it('is deterministic and does not change the body', () => {
    const body = radarrGrab({ ...movie, downloadId: HASH });
    const before = clone(body);
    expect(parse(body, context)).toEqual(parse(body, context));
    expect(body).toEqual(before);
  });
});

describe('Radarr webhook: rejections', () => {
  it.each([
    ['an array', [1, 2]],
    ['null', null],
    ['a string', 'Grab'],
  ])('rejects %s', (_name, body) => {
    expect(expectError(parse(body, context))).toBe('body is not a JSON object');
  });

  it('rejects a body without eventType, naming the service it looks like', () => {
    const error = expectError(
      parse(
        jellyseerrNotification({
          type: 'MEDIA_APPROVED',
          mediaType: 'movie',
          tmdbId: 603,
          requestId: 1,
          title: 'x',
        }),
        context,
      ),
    );
    expect(error).toBe('not a Radarr payload: eventType missing (this looks like a Jellyseerr payload)');
    expect(expectError(parse({}, context))).toBe('not a Radarr payload: eventType missing');
    expect(expectError(parse({ eventType: 5 }, context))).toContain('eventType is not a non-empty string');
  });

  it('rejects a Sonarr payload', () => {
    const body = sonarrGrab({
      seriesId: 1,
      tvdbId: 2,
      title: 'Show',
      year: 2020,
      episodes: [{ id: 1, seasonNumber: 1, episodeNumber: 1 }],
      downloadId: HASH,
    });
    expect(expectError(parse(body, context))).toMatch(/^not a Radarr payload: .*series.*Sonarr payload/);
  });

  it('names the field with a wrong type', () => {
    const grab = radarrGrab({ ...movie, downloadId: HASH });
    const body = { ...grab, movie: { ...grab.movie, tmdbId: '603' } };
    expect(expectError(parse(body, context))).toBe('Grab: movie.tmdbId: expected a number, got "603"');
  });

  it('names a missing required field', () => {
    const grab = radarrGrab({ ...movie, downloadId: HASH });
    expect(expectError(parse(omit(grab, 'movie'), context))).toBe('Grab: movie: missing, expected an object');
    const download = radarrDownload({ ...movie, movieFileId: 3 });
    const noPath = { ...download, movieFile: omit(download.movieFile, 'path') };
    expect(expectError(parse(noPath, context))).toBe('Download: movieFile.path: missing, expected a string');
    const badId = { ...download, movie: { ...download.movie, id: 1.5 } };
    expect(expectError(parse(badId, context))).toBe('Download: movie.id: expected an integer, got 1.5');
  });

  it('rejects wrong types in ManualInteractionRequired messages and MovieFileDelete ids', () => {
    const mir = radarrManualInteractionRequired({ ...movie, downloadId: HASH });
    const badMessages = { ...mir, downloadStatusMessages: [{ title: 'x', messages: 'not a list' }] };
    expect(expectError(parse(badMessages, context))).toContain(
      'downloadStatusMessages[0].messages: expected an array',
    );
    const del = radarrMovieFileDelete({ ...movie, movieFileId: 3 });
    const badFile = { ...del, movieFile: { ...del.movieFile, id: 'three' } };
    expect(expectError(parse(badFile, context))).toBe(
      'MovieFileDelete: movieFile.id: expected a number, got "three"',
    );
  });

  it('rejects a Health event without a level', () => {
    expect(expectError(parse(omit(radarrHealth(), 'level'), context))).toBe(
      'Health: level: missing, expected a string',
    );
  });
});
