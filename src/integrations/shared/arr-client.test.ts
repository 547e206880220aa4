import { afterEach, describe, expect, it } from 'vitest';
import { TEST_RESILIENCE } from '../../../test/support/test-app.js';
import { type RadarrApiFake, startRadarrApiFake } from '../radarr/radarr-api.fake.js';
import { type SonarrApiFake, startSonarrApiFake } from '../sonarr/sonarr-api.fake.js';
import type { ArrApiFake } from './arr-api.fake.js';
import {
  ARR_PAGE_SIZE,
  createArrClient,
  parseTimeSpan,
  RADARR_HISTORY_EVENT_TYPE_IDS,
  SONARR_HISTORY_EVENT_TYPE_IDS,
  toArrDownloadId,
  toRadarrQueueItem,
  toSonarrQueueItem,
} from './arr-client.js';
import { loadArrOpenApi } from './arr-openapi.test-utils.js';
import { integrationFailure } from './integration-error.test-utils.js';
import type { ResilienceOptions } from './service-http.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((fake) => fake.close()));
});

async function radarrFake(): Promise<RadarrApiFake> {
  const fake = await startRadarrApiFake({ now: () => NOW });
  open.push(fake);
  return fake;
}
async function sonarrFake(): Promise<SonarrApiFake> {
  const fake = await startSonarrApiFake({ now: () => NOW });
  open.push(fake);
  return fake;
}
const radarrClient = (fake: RadarrApiFake, resilience: ResilienceOptions = TEST_RESILIENCE) =>
  createArrClient({ app: 'Radarr', url: fake.url, apiKey: fake.apiKey, resilience });
const sonarrClient = (fake: SonarrApiFake) =>
  createArrClient({ app: 'Sonarr', url: fake.url, apiKey: fake.apiKey, resilience: TEST_RESILIENCE });

/** Every query parameter the client sent is one the OpenAPI document declares for that operation. */
function expectDeclaredParameters(fake: ArrApiFake | RadarrApiFake | SonarrApiFake) {
  const spec = loadArrOpenApi(fake.app);
  const undeclared = fake.requests.flatMap((request) =>
    spec
      .undeclaredParameters({ method: request.method, path: request.path, query: request.query })
      .map((name) => `${request.method} ${request.path}: ${name}`),
  );
  expect(fake.requests.length).toBeGreaterThan(0);
  expect(undeclared).toEqual([]);
}

describe('pure helpers', () => {
  it('reads .NET TimeSpans in seconds', () => {
    expect(parseTimeSpan('00:12:34')).toBe(754);
    expect(parseTimeSpan('1.02:03:04')).toBe(93_784);
    expect(parseTimeSpan('00:00:05.2500000')).toBe(5.25);
    expect(parseTimeSpan('-00:00:05')).toBe(0);
    expect(parseTimeSpan(undefined)).toBeNull();
    expect(parseTimeSpan('∞')).toBeNull();
  });

  it('reads API v5’s sizeLeft/timeLeft when the v3 names are absent, and unknown enum values safely', () => {
    expect(
      toSonarrQueueItem({
        id: 1,
        size: 10,
        sizeLeft: 4,
        timeLeft: '00:00:10',
        status: 'new',
        protocol: 'ftp',
      }),
    ).toMatchObject({
      sizeBytes: 10,
      sizeLeftBytes: 4,
      timeLeft: 10,
      status: 'unknown',
      protocol: 'unknown',
    });
    expect(toRadarrQueueItem({ id: 1, trackedDownloadState: 'importFailed' })).toMatchObject({
      trackedDownloadState: null,
      sizeBytes: 0,
      statusMessages: [],
    });
  });

  it('puts torrent hashes in the *arr’s case and leaves usenet ids alone', () => {
    expect(toArrDownloadId('abcdef0123456789abcdef0123456789abcdef01')).toBe(
      'ABCDEF0123456789ABCDEF0123456789ABCDEF01',
    );
    expect(toArrDownloadId('SABnzbd_nzo_abc123')).toBe('SABnzbd_nzo_abc123');
    // NZBGet's drone GUID is 32 lowercase hex and stays so.
    expect(toArrDownloadId('0123456789abcdef0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
  });
});

describe('connection', () => {
  it('tests the connection: version, a refused key, and the wrong app told apart', async () => {
    const fake = await radarrFake();
    expect(await radarrClient(fake).testConnection()).toEqual({ version: '5.28.0.10274' });
    const refused = await integrationFailure(
      createArrClient({ app: 'Radarr', url: fake.url, apiKey: 'nope', resilience: TEST_RESILIENCE }).queue(),
    );
    expect(refused).toMatchObject({ kind: 'unauthorized', status: 401 });
    const sonarr = await sonarrFake();
    const wrong = await integrationFailure(
      createArrClient({
        app: 'Radarr',
        url: sonarr.url,
        apiKey: sonarr.apiKey,
        resilience: TEST_RESILIENCE,
      }).testConnection(),
    );
    expect(wrong).toMatchObject({ kind: 'bad_response', message: 'this is Sonarr, not Radarr' });
    expect(fake.requests.every((request) => request.method === 'GET')).toBe(true);
  });

  it('retries 5xx through the transport, and gives up as unreachable or bad_response', async () => {
    const fake = await radarrFake();
    const patient: ResilienceOptions = { ...TEST_RESILIENCE, maxAttempts: 3 };
    fake.failNext({ count: 2, status: 503 });
    expect(await radarrClient(fake, patient).queue()).toEqual([]);
    expect(fake.calls.filter((c) => c.startsWith('GET /api/v3/queue'))).toHaveLength(3);

    await fake.setDown(true);
    expect(await integrationFailure(radarrClient(fake, patient).queue())).toMatchObject({
      kind: 'bad_response',
      status: 503,
    });
    await fake.setDown(false);
    await fake.setDown(true, 'refuse');
    expect((await integrationFailure(radarrClient(fake).queue())).kind).toBe('unreachable');
  });

  it('an answer of the wrong shape is a bad_response naming the field', async () => {
    const fake = await radarrFake();
    fake.failNext({ count: 1, status: 200 });
    const failure = await integrationFailure(radarrClient(fake).queue());
    expect(failure.kind).toBe('bad_response');
    expect(failure.message).toMatch(/^Radarr queue page 1: unexpected answer \(page: /);
  });
});

describe('queue()', () => {
  it('Radarr: normalises every field, units included, with unknown and delay-queue items', async () => {
    const fake = await radarrFake();
    const dune = fake.addMovie({ tmdbId: 438631, imdbId: 'tt1160419', title: 'Dune', year: 2021 });
    const blocked = fake.addQueueItem({
      movieId: dune.id,
      downloadId: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01',
      title: 'Dune.2021.2160p.UHD.BluRay-GRP',
      status: 'completed',
      trackedDownloadStatus: 'warning',
      trackedDownloadState: 'importBlocked',
      statusMessages: [{ title: 'Dune.2021.mkv', messages: ['Unable to parse file'] }],
      errorMessage: 'Seeding',
      size: 58_000_000_000,
      sizeleft: 0,
      timeleft: 0,
      outputPath: '/downloads/complete/Dune.2021.2160p.UHD.BluRay-GRP',
      indexer: 'Nyaa',
    });
    fake.addQueueItem({ movieId: null, title: 'Mystery.Release', protocol: 'usenet', timeleft: 93_784 });
    fake.addQueueItem({ movieId: dune.id, status: 'delay', title: 'Dune.2021.1080p', timeleft: null });

    const items = await radarrClient(fake).queue();
    expect(items).toHaveLength(3);
    expect(items.find((item) => item.id === blocked.id)).toEqual({
      id: blocked.id,
      downloadId: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01',
      title: 'Dune.2021.2160p.UHD.BluRay-GRP',
      status: 'completed',
      trackedDownloadStatus: 'warning',
      trackedDownloadState: 'importBlocked',
      statusMessages: [{ title: 'Dune.2021.mkv', messages: ['Unable to parse file'] }],
      errorMessage: 'Seeding',
      sizeBytes: 58_000_000_000,
      sizeLeftBytes: 0,
      timeLeft: 0,
      estimatedCompletionTime: '2026-03-01T12:00:00Z',
      added: '2026-03-01T12:00:00Z',
      protocol: 'torrent',
      downloadClient: 'qBittorrent',
      outputPath: '/downloads/complete/Dune.2021.2160p.UHD.BluRay-GRP',
      indexer: 'Nyaa',
      movieId: dune.id,
      movie: { id: dune.id, tmdbId: 438631, imdbId: 'tt1160419', title: 'Dune', year: 2021 },
    });
    expect(items.find((item) => item.title === 'Mystery.Release')).toMatchObject({
      movieId: null,
      movie: null,
      protocol: 'usenet',
      downloadClient: 'SABnzbd',
      timeLeft: 93_784,
      sizeLeftBytes: 2_000_000_000,
    });
    expect(items.find((item) => item.title === 'Dune.2021.1080p')).toMatchObject({
      status: 'delay',
      downloadId: null,
      trackedDownloadState: null,
      trackedDownloadStatus: null,
      timeLeft: null,
      outputPath: null,
    });
    expect(fake.calls).toEqual([
      `GET /api/v3/queue?includeUnknownMovieItems=true&includeMovie=true&sortKey=title&sortDirection=ascending&page=1&pageSize=${ARR_PAGE_SIZE}`,
    ]);
    expectDeclaredParameters(fake);
  });

  it('reads every page of a long queue and stops at totalRecords, never on the repeated last page', async () => {
    const fake = await radarrFake();
    const movie = fake.addMovie({ tmdbId: 1, title: 'M', year: 2020 });
    for (let i = 0; i < 2 * ARR_PAGE_SIZE; i++) fake.addQueueItem({ movieId: movie.id, title: `R${i}` });
    const items = await radarrClient(fake).queue();
    expect(items).toHaveLength(2 * ARR_PAGE_SIZE);
    expect(new Set(items.map((item) => item.id)).size).toBe(2 * ARR_PAGE_SIZE);
    expect(fake.calls.map((c) => new URL(c.split(' ')[1]!, 'http://x').searchParams.get('page'))).toEqual([
      '1',
      '2',
    ]);
  });

  it('Sonarr: one item per episode with series and episode, unknown items included', async () => {
    const fake = await sonarrFake();
    const show = fake.addSeries({
      tvdbId: 424536,
      tmdbId: 209867,
      title: 'Frieren',
      year: 2023,
      seriesType: 'anime',
    });
    const [e1, e2] = fake.addEpisodes({ seriesId: show.id, seasonNumber: 1, count: 2 });
    fake.addEpisodeFile({ episodeIds: [e1!.id] });
    const pack = fake.addQueueItem({ seriesId: show.id, episodeIds: [e1!.id, e2!.id], status: 'completed' });
    fake.addQueueItem({ seriesId: null, title: 'Unknown.S01E01' });
    const items = await sonarrClient(fake).queue();
    expect(items).toHaveLength(3);
    const first = items.find((item) => item.id === pack[0]!.id);
    expect(first).toMatchObject({
      downloadId: pack[0]!.downloadId,
      seriesId: show.id,
      episodeId: e1!.id,
      seasonNumber: 1,
      episodeHasFile: true,
      series: { id: show.id, tvdbId: 424536, tmdbId: 209867, imdbId: null, seriesType: 'anime', year: 2023 },
      episode: { id: e1!.id, seasonNumber: 1, episodeNumber: 1, title: 'Episode 1' },
    });
    expect(items.find((item) => item.id === pack[1]!.id)).toMatchObject({
      episodeId: e2!.id,
      episodeHasFile: false,
    });
    expect(items.find((item) => item.title === 'Unknown.S01E01')).toMatchObject({
      seriesId: null,
      episodeId: null,
      series: null,
      episode: null,
    });
    expect(fake.calls[0]).toContain('includeUnknownSeriesItems=true&includeSeries=true&includeEpisode=true');
    expectDeclaredParameters(fake);
  });
});

describe('history', () => {
  it('reads a download’s history with the exact id; the eventType filter uses each app’s integer', async () => {
    const radarr = await radarrFake();
    const movie = radarr.addMovie({ tmdbId: 1, title: 'M', year: 2020 });
    const record = radarr.grab({ movieId: movie.id, downloadId: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' });
    radarr.addHistory({
      eventType: 'downloadFailed',
      movieId: movie.id,
      downloadId: record.downloadId,
      data: { message: 'Download failed', releaseGroup: null },
    });
    const client = radarrClient(radarr);
    const all = await client.historyForDownload({ downloadId: record.downloadId! });
    expect(all.map((h) => h.eventType)).toEqual(['downloadFailed', 'grabbed']);
    expect(all[0]).toEqual({
      id: 2,
      eventType: 'downloadFailed',
      date: '2026-03-01T12:00:00Z',
      downloadId: record.downloadId,
      sourceTitle: 'M',
      data: { message: 'Download failed' },
      movieId: movie.id,
    });
    expect(all[1]?.data).toMatchObject({
      torrentInfoHash: record.downloadId,
      downloadClientName: 'qBittorrent',
    });
    expect(await client.historyForDownload({ downloadId: record.downloadId!.toLowerCase() })).toEqual([]);
    expect(
      (await client.historyForDownload({ downloadId: record.downloadId!, eventType: 'downloadFailed' }))
        .length,
    ).toBe(1);
    expect(radarr.calls.at(-1)).toContain(`eventType=${RADARR_HISTORY_EVENT_TYPE_IDS.downloadFailed}`);
    expectDeclaredParameters(radarr);

    const sonarr = await sonarrFake();
    const show = sonarr.addSeries({ tvdbId: 1, title: 'S', year: 2020 });
    const [episode] = sonarr.addEpisodes({ seriesId: show.id, seasonNumber: 1, count: 1 });
    sonarr.addHistory({
      eventType: 'episodeFileDeleted',
      seriesId: show.id,
      episodeId: episode!.id,
      downloadId: 'X',
    });
    const deleted = await sonarrClient(sonarr).historyForDownload({
      downloadId: 'X',
      eventType: 'episodeFileDeleted',
    });
    expect(deleted).toEqual([
      expect.objectContaining({ eventType: 'episodeFileDeleted', seriesId: show.id, episodeId: episode!.id }),
    ]);
    expect(sonarr.calls.at(-1)).toContain(`eventType=${SONARR_HISTORY_EVENT_TYPE_IDS.episodeFileDeleted}`);
    expect(SONARR_HISTORY_EVENT_TYPE_IDS.episodeFileDeleted).not.toBe(
      RADARR_HISTORY_EVENT_TYPE_IDS.movieFileDeleted,
    );
  });

  it('reads the history since a time, oldest first, by event name', async () => {
    let clock = Date.parse('2026-03-01T10:00:00Z');
    const fake = await startRadarrApiFake({ now: () => new Date(clock) });
    open.push(fake);
    const movie = fake.addMovie({ tmdbId: 1, title: 'M', year: 2020 });
    for (const eventType of ['grabbed', 'downloadFolderImported', 'grabbed'] as const) {
      fake.addHistory({ eventType, movieId: movie.id });
      clock += 60_000;
    }
    const client = radarrClient(fake);
    const since = await client.historySince({ date: new Date('2026-03-01T10:01:00Z') });
    expect(since.map((h) => [h.eventType, h.date])).toEqual([
      ['downloadFolderImported', '2026-03-01T10:01:00Z'],
      ['grabbed', '2026-03-01T10:02:00Z'],
    ]);
    expect(await client.historySince({ date: '2026-03-01T00:00:00Z', eventType: 'grabbed' })).toHaveLength(2);
    expect(fake.calls.at(-1)).toBe(
      'GET /api/v3/history/since?date=2026-03-01T00%3A00%3A00Z&eventType=grabbed',
    );
    expectDeclaredParameters(fake);
  });
});

describe('commands and removal', () => {
  it('sends a command body as given, answers queued, and reads its status until it is finished', async () => {
    const fake = await radarrFake();
    fake.setCommandMode('manual');
    const client = radarrClient(fake);
    const sent = await client.refreshMonitoredDownloads();
    expect(sent).toMatchObject({
      name: 'RefreshMonitoredDownloads',
      status: 'queued',
      result: 'unknown',
      finished: false,
    });
    expect(fake.sentCommands()).toEqual([{ name: 'RefreshMonitoredDownloads' }]);
    fake.advanceCommand(sent.id);
    expect(await client.commandStatus(sent.id)).toMatchObject({ status: 'started', finished: false });
    fake.advanceCommand(sent.id);
    expect(await client.commandStatus(sent.id)).toEqual({
      id: sent.id,
      name: 'RefreshMonitoredDownloads',
      status: 'completed',
      result: 'successful',
      finished: true,
      message: 'Completed',
      exception: null,
      queued: '2026-03-01T12:00:00Z',
      started: '2026-03-01T12:00:00Z',
      ended: '2026-03-01T12:00:00Z',
    });
    expect(await client.commandStatus(999)).toBeNull();
    const refused = await integrationFailure(client.command({ name: 'EpisodeSearch', episodeIds: [1] }));
    expect(refused).toMatchObject({ kind: 'bad_response', status: 500 });
    // 5xx answers are the transport's (retried, then "answered HTTP 500"), whatever their body says.
    expect(refused.message).toContain('HTTP 500');
    const invalid = await integrationFailure(client.command({ name: '' }));
    expect(invalid).toMatchObject({ kind: 'bad_response', status: 400 });
    expect(invalid.message).toContain("'Name' must not be empty.");
  });

  it('removes a queue record with every flag explicit; a record already gone is false', async () => {
    const fake = await sonarrFake();
    const show = fake.addSeries({ tvdbId: 1, title: 'S', year: 2020 });
    const episodes = fake.addEpisodes({ seriesId: show.id, seasonNumber: 1, count: 2 });
    const pack = fake.addQueueItem({ seriesId: show.id, episodeIds: episodes.map((e) => e.id) });
    const client = sonarrClient(fake);
    expect(await client.removeFromQueue({ id: pack[0]!.id, removeFromClient: false, blocklist: true })).toBe(
      true,
    );
    expect(fake.calls.at(-1)).toBe(
      `DELETE /api/v3/queue/${pack[0]!.id}?removeFromClient=false&blocklist=true&skipRedownload=false`,
    );
    expect(fake.queue()).toEqual([]);
    expect(await client.removeFromQueue({ id: pack[1]!.id, removeFromClient: true, blocklist: false })).toBe(
      false,
    );
    expectDeclaredParameters(fake);
  });
});
