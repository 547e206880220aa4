import { afterEach, describe, expect, it } from 'vitest';
import { type RadarrApiFake, startRadarrApiFake } from '../radarr/radarr-api.fake.js';
import { type SonarrApiFake, startSonarrApiFake } from '../sonarr/sonarr-api.fake.js';
import { type ArrApiFake, formatTimeSpan, startArrApiFake } from './arr-api.fake.js';
import { loadArrOpenApi } from './arr-openapi.test-utils.js';

/**
 * The fake's own contract: every answer conforms to the official OpenAPI document key for key, and
 * the behaviour the tracker relies on (paging, exact-case filters, commands, imports, removal) holds.
 */

const radarrSpec = loadArrOpenApi('Radarr');
const sonarrSpec = loadArrOpenApi('Sonarr');

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((fake) => fake.close()));
});

async function radarrFake(options: Parameters<typeof startRadarrApiFake>[0] = {}): Promise<RadarrApiFake> {
  const fake = await startRadarrApiFake({ now: () => new Date('2026-03-01T12:00:00Z'), ...options });
  open.push(fake);
  return fake;
}
async function sonarrFake(options: Parameters<typeof startSonarrApiFake>[0] = {}): Promise<SonarrApiFake> {
  const fake = await startSonarrApiFake({ now: () => new Date('2026-03-01T12:00:00Z'), ...options });
  open.push(fake);
  return fake;
}

async function call(
  fake: { url: string; apiKey: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string; json: () => unknown }> {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: { 'X-Api-Key': fake.apiKey, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) };
}

/** Every key of every answer the fake gave is checked against the document. */
function expectAnswersConform(
  fake: ArrApiFake | RadarrApiFake | SonarrApiFake,
  answers: Map<string, unknown>,
) {
  const spec = fake.app === 'Radarr' ? radarrSpec : sonarrSpec;
  const problems: string[] = [];
  expect(answers.size).toBeGreaterThan(10);
  for (const [request, body] of answers) {
    const [method = 'GET', target = '/'] = request.split(' ');
    const path = new URL(target, 'http://x').pathname;
    for (const problem of spec.checkAnswer({ method, path, body })) problems.push(`${request}: ${problem}`);
  }
  expect(problems).toEqual([]);
}

function radarrScenario(fake: RadarrApiFake) {
  const dune = fake.addMovie({ tmdbId: 438631, imdbId: 'tt1160419', title: 'Dune', year: 2021, tags: [2] });
  const arrival = fake.addMovie({ tmdbId: 329865, title: 'Arrival', year: 2016 });
  fake.addMovieFile({
    movieId: arrival.id,
    releaseGroup: 'SPARKS',
    sceneName: 'Arrival.2016.1080p.BluRay-SPARKS',
  });
  const grabbed = fake.grab({ movieId: dune.id, timeleft: 93_784.5 });
  fake.addQueueItem({
    movieId: arrival.id,
    protocol: 'usenet',
    status: 'completed',
    trackedDownloadStatus: 'warning',
    trackedDownloadState: 'importBlocked',
    statusMessages: [{ title: 'Arrival.2016.mkv', messages: ['Not an upgrade for existing movie file(s)'] }],
    errorMessage: 'Unpacking failed',
  });
  fake.addQueueItem({ movieId: null, title: 'Some.Unknown.Release.2020.720p', timeleft: null });
  fake.addQueueItem({ movieId: arrival.id, status: 'delay', title: 'Arrival.2016.2160p.WEB-DL' });
  fake.addHistory({
    eventType: 'downloadFailed',
    movieId: dune.id,
    downloadId: 'SABnzbd_nzo_abc123',
    data: {
      downloadClient: 'Sabnzbd',
      downloadClientName: 'SABnzbd',
      message: 'Aborted',
      releaseGroup: null,
    },
  });
  return { dune, arrival, grabbed };
}

function sonarrScenario(fake: SonarrApiFake) {
  const frieren = fake.addSeries({
    tvdbId: 424536,
    tmdbId: 209867,
    imdbId: 'tt22248376',
    title: 'Frieren',
    year: 2023,
    seriesType: 'anime',
  });
  const episodes = fake.addEpisodes({ seriesId: frieren.id, seasonNumber: 1, count: 4 });
  fake.addEpisode({ seriesId: frieren.id, seasonNumber: 2, episodeNumber: 1, airDateUtc: null });
  fake.addEpisodeFile({ episodeIds: [episodes[0]!.id, episodes[1]!.id], releaseGroup: 'SubsPlease' });
  const pack = fake.grab({ seriesId: frieren.id, episodeIds: [episodes[2]!.id, episodes[3]!.id] });
  fake.addQueueItem({ seriesId: null, title: 'Unknown.Show.S01E01', status: 'warning', timeleft: null });
  return { frieren, episodes, pack };
}

describe('the fakes conform to the OpenAPI documents', () => {
  it('every object schema of both documents forbids unknown keys, so validation catches invented fields', () => {
    expect(radarrSpec.openObjectSchemas()).toEqual([]);
    expect(sonarrSpec.openObjectSchemas()).toEqual([]);
  });

  it('and the check fails on an invented key, a wrong type, a null where none is allowed and a bad TimeSpan', () => {
    const record = { id: 1, movieId: 2, title: 't', status: 'downloading', timeleft: '00:01:02' };
    const page = (r: object) => ({ page: 1, pageSize: 10, totalRecords: 1, records: [r] });
    const check = (r: object) =>
      radarrSpec.checkAnswer({ method: 'GET', path: '/api/v3/queue', body: page(r) });
    expect(check(record)).toEqual([]);
    expect(check({ ...record, timeLeft: '00:01:02' }).join()).toContain(
      'must NOT have additional properties',
    );
    expect(check({ ...record, id: 2 ** 31 }).join()).toContain('int32');
    expect(check({ ...record, size: null }).join()).toContain('must be number');
    expect(check({ ...record, timeleft: '1:2:3' }).join()).toContain('date-span');
    expect(check({ ...record, status: 'Downloading' }).join()).toContain('allowed values');
    // Sonarr's queue record has no movieId.
    expect(
      sonarrSpec.checkAnswer({ method: 'GET', path: '/api/v3/queue', body: page(record) }).join(),
    ).toContain('must NOT have additional properties');
  });

  it('Radarr: status, queue, history, since, movies, files and commands in every state', async () => {
    const fake = await radarrFake({ commandMode: 'manual' });
    const { dune, arrival, grabbed } = radarrScenario(fake);
    const answers = new Map<string, unknown>();
    const get = async (path: string) => {
      const answer = await call(fake, 'GET', path);
      expect(answer.status, path).toBe(200);
      answers.set(`GET ${path}`, answer.json());
      return answer.json();
    };
    await get('/api/v3/system/status');
    await get('/api/v3/queue?page=1&pageSize=10&includeUnknownMovieItems=true&includeMovie=true');
    await get('/api/v3/queue');
    await get(`/api/v3/history?downloadId=${grabbed.downloadId}&pageSize=50&includeMovie=true`);
    await get('/api/v3/history?pageSize=50');
    await get('/api/v3/history/since?date=2020-01-01T00:00:00Z&includeMovie=true');
    await get('/api/v3/movie');
    await get(`/api/v3/movie?tmdbId=${dune.tmdbId}`);
    await get(`/api/v3/movie/${arrival.id}`);
    await get(`/api/v3/moviefile?movieId=${arrival.id}`);

    const posted = await call(fake, 'POST', '/api/v3/command', {
      name: 'DownloadedMoviesScan',
      path: grabbed.outputPath,
      downloadClientId: grabbed.downloadId,
      importMode: 'Move',
    });
    expect(posted.status).toBe(201);
    answers.set('POST /api/v3/command', posted.json());
    const id = (posted.json() as { id: number }).id;
    fake.advanceCommand(id);
    await get(`/api/v3/command/${id}`);
    fake.advanceCommand(id);
    await get(`/api/v3/command/${id}`);
    const failed = await call(fake, 'POST', '/api/v3/command', { name: 'downloadedmoviesscan' });
    fake.runPendingCommands();
    await get(`/api/v3/command/${(failed.json() as { id: number }).id}`);
    await call(fake, 'POST', '/api/v3/command', { name: 'MoviesSearch', movieIds: [dune.id] });
    await call(fake, 'POST', '/api/v3/command', { name: 'RefreshMonitoredDownloads' });
    const list = (await get('/api/v3/command')) as Array<{ status: string }>;
    expect(list.map((command) => command.status)).toEqual(['completed', 'failed', 'queued', 'queued']);
    // After the import: history with the import record, the movie with its new file.
    await get('/api/v3/history?pageSize=50&includeMovie=true');
    await get(`/api/v3/movie?tmdbId=${dune.tmdbId}`);
    await get(`/api/v3/moviefile?movieId=${dune.id}&movieId=${arrival.id}`);

    expectAnswersConform(fake, answers);
  });

  it('Sonarr: status, per-episode queue, history, since, series, episodes, files and commands', async () => {
    const fake = await sonarrFake();
    const { frieren, pack } = sonarrScenario(fake);
    const answers = new Map<string, unknown>();
    const get = async (path: string) => {
      const answer = await call(fake, 'GET', path);
      expect(answer.status, path).toBe(200);
      answers.set(`GET ${path}`, answer.json());
      return answer.json();
    };
    await get('/api/v3/system/status');
    await get(
      '/api/v3/queue?page=1&pageSize=10&includeUnknownSeriesItems=true&includeSeries=true&includeEpisode=true',
    );
    await get(`/api/v3/history?downloadId=${pack[0]!.downloadId}&includeSeries=true&includeEpisode=true`);
    await get('/api/v3/history/since?date=2020-01-01T00:00:00Z');
    await get('/api/v3/series');
    await get(`/api/v3/series?tvdbId=${frieren.tvdbId}`);
    await get(`/api/v3/series/${frieren.id}`);
    await get(`/api/v3/episode?seriesId=${frieren.id}`);
    await get(`/api/v3/episodefile?seriesId=${frieren.id}`);
    for (const body of [
      { name: 'DownloadedEpisodesScan', path: pack[0]!.outputPath, downloadClientId: pack[0]!.downloadId },
      { name: 'EpisodeSearch', episodeIds: [1] },
      { name: 'SeasonSearch', seriesId: frieren.id, seasonNumber: 1 },
      { name: 'RefreshMonitoredDownloads' },
    ]) {
      const posted = await call(fake, 'POST', '/api/v3/command', body);
      expect(posted.status).toBe(201);
      answers.set(`POST /api/v3/command ${body.name}`, posted.json());
      await get(`/api/v3/command/${(posted.json() as { id: number }).id}`);
    }
    await get('/api/v3/command');
    await get(`/api/v3/history?seriesIds=${frieren.id}&includeSeries=true&includeEpisode=true`);
    await get(`/api/v3/episodefile?seriesId=${frieren.id}`);
    await get(`/api/v3/episode?seriesId=${frieren.id}&seasonNumber=1`);

    expectAnswersConform(fake, answers);
  });
});

describe('auth and availability', () => {
  it('answers 401 with an empty body without the key or with a wrong one; takes the header or ?apikey=', async () => {
    const fake = await radarrFake();
    const attempts: Array<Record<string, string>> = [{}, { 'X-Api-Key': 'wrong' }];
    for (const headers of attempts) {
      const answer = await fetch(`${fake.url}/api/v3/queue`, { headers });
      expect(answer.status).toBe(401);
      expect(await answer.text()).toBe('');
    }
    expect((await fetch(`${fake.url}/api/v3/queue?apikey=${fake.apiKey}`)).status).toBe(200);
    expect((await call(fake, 'GET', '/API/V3/Queue')).status).toBe(200);
  });

  it('goes down as a 503 or as a closed port, and comes back on the same address', async () => {
    const fake = await radarrFake();
    await fake.setDown(true);
    expect((await call(fake, 'GET', '/api/v3/system/status')).status).toBe(503);
    await fake.setDown(false);
    await fake.setDown(true, 'refuse');
    await expect(call(fake, 'GET', '/api/v3/system/status')).rejects.toThrow();
    await fake.setDown(false);
    expect((await call(fake, 'GET', '/api/v3/system/status')).status).toBe(200);
  });

  it('injects failures for the next requests only', async () => {
    const fake = await radarrFake();
    fake.failNext({ count: 2, status: 502 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(fake, 'GET', '/api/v3/queue')).status);
    expect(statuses).toEqual([502, 502, 200]);
  });
});

describe('queue', () => {
  it('pages with a default size of 10 and answers a page past the end with the last full page, renumbered', async () => {
    const fake = await radarrFake();
    const movie = fake.addMovie({ tmdbId: 1, title: 'M', year: 2020 });
    for (let i = 0; i < 25; i++)
      fake.addQueueItem({ movieId: movie.id, title: `Release ${String(i).padStart(2, '0')}` });
    const page = async (query: string) =>
      (await call(fake, 'GET', `/api/v3/queue?${query}`)).json() as {
        page: number;
        pageSize: number;
        totalRecords: number;
        records: Array<{ title: string }>;
      };
    const first = await page('sortKey=title');
    expect(first).toMatchObject({ page: 1, pageSize: 10, totalRecords: 25 });
    expect(first.records.map((r) => r.title).slice(0, 2)).toEqual(['Release 00', 'Release 01']);
    expect((await page('sortKey=title&page=3')).records).toHaveLength(5);
    const past = await page('sortKey=title&page=4');
    expect(past.page).toBe(2);
    expect(past.records[0]?.title).toBe('Release 10');
    expect((await page('sortKey=title&sortDirection=descending&pageSize=1000')).records[0]?.title).toBe(
      'Release 24',
    );
  });

  it('sorts by time left by default, unknown last; hides unmatched items unless asked; always shows delayed ones', async () => {
    const fake = await radarrFake();
    const movie = fake.addMovie({ tmdbId: 1, title: 'M', year: 2020 });
    fake.addQueueItem({ movieId: movie.id, title: 'slow', timeleft: 7_200 });
    fake.addQueueItem({ movieId: movie.id, title: 'stalled', timeleft: null });
    fake.addQueueItem({ movieId: movie.id, title: 'fast', timeleft: 60 });
    fake.addQueueItem({ movieId: null, title: 'unknown' });
    fake.addQueueItem({ movieId: movie.id, title: 'delayed', status: 'delay', timeleft: 18_000 });
    const titles = async (query: string) =>
      (
        (await call(fake, 'GET', `/api/v3/queue?${query}`)).json() as { records: Array<{ title: string }> }
      ).records.map((r) => r.title);
    expect(await titles('')).toEqual(['fast', 'slow', 'delayed', 'stalled']);
    expect(await titles('includeUnknownMovieItems=true')).toContain('unknown');
    const delayed = (
      (await call(fake, 'GET', '/api/v3/queue')).json() as { records: Array<Record<string, unknown>> }
    ).records.find((r) => r.title === 'delayed');
    expect(delayed).not.toHaveProperty('downloadId');
    expect(delayed).not.toHaveProperty('trackedDownloadState');
  });

  it('renders sizes, TimeSpans and the estimated completion from the fake clock', async () => {
    const fake = await radarrFake();
    const movie = fake.addMovie({ tmdbId: 1, title: 'M', year: 2020 });
    fake.addQueueItem({ movieId: movie.id, size: 1000, sizeleft: 250, timeleft: 93_784.5 });
    const [record] = (
      (await call(fake, 'GET', '/api/v3/queue')).json() as { records: Array<Record<string, unknown>> }
    ).records;
    expect(record).toMatchObject({
      size: 1000,
      sizeleft: 250,
      timeleft: '1.02:03:04.5000000',
      estimatedCompletionTime: '2026-03-02T14:03:04.500Z',
    });
    expect(formatTimeSpan(754)).toBe('00:12:34');
  });

  it('Sonarr: one record per episode of a pack, one download id; removing one removes the download', async () => {
    const fake = await sonarrFake();
    const { frieren, episodes, pack } = sonarrScenario(fake);
    expect(pack.map((r) => r.episodeId)).toEqual([episodes[2]!.id, episodes[3]!.id]);
    expect(new Set(pack.map((r) => r.downloadId)).size).toBe(1);
    expect(new Set(pack.map((r) => r.id)).size).toBe(2);
    const removed = await call(
      fake,
      'DELETE',
      `/api/v3/queue/${pack[0]!.id}?removeFromClient=false&blocklist=true`,
    );
    expect(removed.status).toBe(200);
    expect(removed.text).toBe('');
    expect(fake.queue().filter((r) => r.seriesId === frieren.id)).toEqual([]);
    expect(fake.removals).toEqual([
      expect.objectContaining({
        queueId: pack[0]!.id,
        removeFromClient: false,
        blocklist: true,
        records: pack,
      }),
    ]);
    const failed = fake.history().filter((h) => h.eventType === 'downloadFailed');
    expect(failed.map((h) => h.episodeId)).toEqual([episodes[2]!.id, episodes[3]!.id]);
    expect((await call(fake, 'DELETE', `/api/v3/queue/${pack[0]!.id}`)).status).toBe(404);
  });

  it('removal defaults removeFromClient to true, and ignoring (neither flag) leaves a downloadIgnored record', async () => {
    const fake = await radarrFake();
    const movie = fake.addMovie({ tmdbId: 1, title: 'M', year: 2020 });
    const a = fake.addQueueItem({ movieId: movie.id, title: 'a' });
    const b = fake.addQueueItem({ movieId: movie.id, title: 'b' });
    await call(fake, 'DELETE', `/api/v3/queue/${a.id}`);
    await call(fake, 'DELETE', `/api/v3/queue/${b.id}?removeFromClient=false&blocklist=false`);
    expect(fake.removals.map((r) => [r.removeFromClient, r.blocklist])).toEqual([
      [true, false],
      [false, false],
    ]);
    expect(fake.history().map((h) => [h.eventType, h.downloadId])).toEqual([
      ['downloadIgnored', b.downloadId],
    ]);
  });
});

describe('history', () => {
  it('filters downloadId exactly (case-sensitive) and eventType by the app’s own integers', async () => {
    const radarr = await radarrFake();
    const sonarr = await sonarrFake();
    const movie = radarr.addMovie({ tmdbId: 1, title: 'M', year: 2020 });
    const hash = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01';
    radarr.grab({ movieId: movie.id, downloadId: hash });
    radarr.addHistory({ eventType: 'movieFileDeleted', movieId: movie.id, data: { reason: 'Manual' } });
    const ids = async (fake: { url: string; apiKey: string }, query: string) =>
      (
        (await call(fake, 'GET', `/api/v3/history?${query}`)).json() as {
          records: Array<{ eventType: string }>;
        }
      ).records.map((r) => r.eventType);
    expect(await ids(radarr, `downloadId=${hash}`)).toEqual(['grabbed']);
    expect(await ids(radarr, `downloadId=${hash.toLowerCase()}`)).toEqual([]);
    expect(await ids(radarr, 'eventType=6')).toEqual(['movieFileDeleted']);
    expect(await ids(radarr, 'eventType=5')).toEqual([]);

    const { frieren, episodes } = sonarrScenario(sonarr);
    sonarr.addHistory({ eventType: 'episodeFileDeleted', seriesId: frieren.id, episodeId: episodes[0]!.id });
    expect(await ids(sonarr, 'eventType=5')).toEqual(['episodeFileDeleted']);
    expect(await ids(sonarr, 'eventType=6')).toEqual([]);
  });

  it('lists newest first in pages (past the end: empty); since lists from the date on, oldest first', async () => {
    let clock = Date.parse('2026-03-01T10:00:00Z');
    const fake = await radarrFake({ now: () => new Date(clock) });
    const movie = fake.addMovie({ tmdbId: 1, title: 'M', year: 2020 });
    for (const eventType of ['grabbed', 'downloadFolderImported', 'movieFileRenamed'] as const) {
      fake.addHistory({ eventType, movieId: movie.id });
      clock += 60_000;
    }
    const list = (await call(fake, 'GET', '/api/v3/history?pageSize=2')).json() as {
      totalRecords: number;
      records: Array<{ eventType: string }>;
    };
    expect(list.totalRecords).toBe(3);
    expect(list.records.map((r) => r.eventType)).toEqual(['movieFileRenamed', 'downloadFolderImported']);
    expect(
      ((await call(fake, 'GET', '/api/v3/history?pageSize=2&page=3')).json() as { records: unknown[] })
        .records,
    ).toEqual([]);
    const since = (
      await call(fake, 'GET', '/api/v3/history/since?date=2026-03-01T10:01:00Z')
    ).json() as Array<{
      eventType: string;
    }>;
    expect(since.map((r) => r.eventType)).toEqual(['downloadFolderImported', 'movieFileRenamed']);
    const imported = (
      await call(
        fake,
        'GET',
        '/api/v3/history/since?date=2026-01-01T00:00:00Z&eventType=downloadFolderImported',
      )
    ).json() as unknown[];
    expect(imported).toHaveLength(1);
  });
});

describe('commands', () => {
  it('records the exact body, answers 201 queued, and in instant mode has run before the next request', async () => {
    const fake = await radarrFake();
    const sent = '{"name":"RefreshMonitoredDownloads","sendUpdatesToClient":false}';
    const response = await fetch(`${fake.url}/api/v3/command`, {
      method: 'POST',
      headers: { 'X-Api-Key': fake.apiKey, 'Content-Type': 'application/json' },
      body: sent,
    });
    expect(response.status).toBe(201);
    const answer = (await response.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ name: 'RefreshMonitoredDownloads', status: 'queued', result: 'unknown' });
    expect(fake.commandPosts).toEqual([
      { raw: sent, body: JSON.parse(sent), status: 201, commandId: answer.id },
    ]);
    expect((await call(fake, 'GET', `/api/v3/command/${answer.id}`)).json()).toMatchObject({
      status: 'completed',
      result: 'successful',
    });
    expect((await call(fake, 'GET', '/api/v3/command/999')).status).toBe(404);
  });

  it('matches names case-insensitively per app: no name is a 400, a name the app lacks a 500', async () => {
    const radarr = await radarrFake();
    const sonarr = await sonarrFake();
    expect((await call(radarr, 'POST', '/api/v3/command', {})).status).toBe(400);
    expect((await call(radarr, 'POST', '/api/v3/command', { name: 'EpisodeSearch' })).status).toBe(500);
    expect(
      (await call(sonarr, 'POST', '/api/v3/command', { name: 'DownloadedMoviesScan', path: '/x' })).status,
    ).toBe(500);
    const ok = await call(radarr, 'POST', '/api/v3/command', { name: 'moviessearch', movieIds: [1] });
    expect(ok.json()).toMatchObject({ name: 'MoviesSearch', commandName: 'Movies Search' });
    expect(radarr.sentCommands('MoviesSearch')).toEqual([{ name: 'moviessearch', movieIds: [1] }]);
    expect(radarr.commandPosts.map((p) => p.status)).toEqual([400, 500, 201]);
  });

  it('manual mode: queued → started → completed step by step; an equal command while one runs is that one', async () => {
    const fake = await radarrFake({ commandMode: 'manual' });
    const body = { name: 'MoviesSearch', movieIds: [3] };
    const first = (await call(fake, 'POST', '/api/v3/command', body)).json() as { id: number };
    const again = (
      await call(fake, 'POST', '/api/v3/command', { name: 'MOVIESSEARCH', MovieIds: [3] })
    ).json() as {
      id: number;
    };
    const other = (
      await call(fake, 'POST', '/api/v3/command', { name: 'MoviesSearch', movieIds: [4] })
    ).json() as {
      id: number;
    };
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(fake.sentCommands('MoviesSearch')).toHaveLength(3);
    expect(fake.commands()).toHaveLength(2);
    expect(fake.advanceCommand(first.id).status).toBe('started');
    expect((await call(fake, 'GET', `/api/v3/command/${first.id}`)).json()).toMatchObject({
      status: 'started',
    });
    expect(fake.advanceCommand(first.id)).toMatchObject({ status: 'completed', result: 'successful' });
    const finished = (await call(fake, 'GET', `/api/v3/command/${first.id}`)).json() as Record<
      string,
      unknown
    >;
    expect(finished).toMatchObject({
      started: '2026-03-01T12:00:00Z',
      ended: '2026-03-01T12:00:00Z',
      duration: '00:00:00',
    });
    // Once finished, the same command makes a new one.
    const later = (await call(fake, 'POST', '/api/v3/command', body)).json() as { id: number };
    expect(later.id).not.toBe(first.id);
  });

  it('shows the command’s own properties in its body, as the real converter writes them', async () => {
    const fake = await radarrFake({ commandMode: 'manual' });
    const answer = (
      await call(fake, 'POST', '/api/v3/command', {
        name: 'DownloadedMoviesScan',
        path: '/d/x',
        importMode: 'Copy',
      })
    ).json() as { body: Record<string, unknown> };
    expect(answer.body).toMatchObject({
      path: '/d/x',
      importMode: 'copy',
      sendUpdates: false,
      requiresDiskAccess: true,
      isLongRunning: true,
      name: 'DownloadedMoviesScan',
      trigger: 'manual',
    });
    expect(answer.body).not.toHaveProperty('downloadClientId');
  });

  it('a hook decides the outcome; returning nothing lets the built-in run; throwing fails the command', async () => {
    const fake = await radarrFake();
    const movie = fake.addMovie({ tmdbId: 1, title: 'M', year: 2020 });
    const record = fake.addQueueItem({ movieId: movie.id, status: 'completed' });
    const seen: string[] = [];
    fake.onCommand((command) => {
      seen.push(command.name);
      if (command.name === 'RefreshMonitoredDownloads') return { result: 'unsuccessful', message: 'nothing' };
      if (command.name === 'RssSync') throw new Error('indexers down');
      return undefined;
    });
    const run = async (body: object) => {
      const { id } = (await call(fake, 'POST', '/api/v3/command', body)).json() as { id: number };
      return fake.command(id)!;
    };
    expect(await run({ name: 'RefreshMonitoredDownloads' })).toMatchObject({
      status: 'completed',
      result: 'unsuccessful',
      message: 'nothing',
    });
    expect(await run({ name: 'RssSync' })).toMatchObject({ status: 'failed', message: 'indexers down' });
    expect(
      await run({
        name: 'DownloadedMoviesScan',
        path: record.outputPath,
        downloadClientId: record.downloadId,
      }),
    ).toMatchObject({ status: 'completed', result: 'successful' });
    expect(fake.queue()).toEqual([]);
    expect(seen).toEqual(['RefreshMonitoredDownloads', 'RssSync', 'DownloadedMoviesScan']);
  });
});

describe('the built-in import of DownloadedMoviesScan / DownloadedEpisodesScan', () => {
  async function scan(fake: RadarrApiFake | SonarrApiFake, body: Record<string, unknown>) {
    const { id } = (await call(fake, 'POST', '/api/v3/command', body)).json() as { id: number };
    return fake.command(id)!;
  }

  it('imports a tracked download: file, history with the download id, record out of the queue', async () => {
    const fake = await radarrFake();
    const movie = fake.addMovie({ tmdbId: 1, title: 'Dune', year: 2021 });
    const record = fake.grab({
      movieId: movie.id,
      status: 'completed',
      trackedDownloadState: 'importPending',
    });
    const command = await scan(fake, {
      name: 'DownloadedMoviesScan',
      path: record.outputPath,
      downloadClientId: record.downloadId,
    });
    expect(command).toMatchObject({ status: 'completed', result: 'successful' });
    expect(fake.queue()).toEqual([]);
    expect(fake.movieFiles()).toEqual([
      expect.objectContaining({ movieId: movie.id, sceneName: record.title }),
    ]);
    const imported = fake.history().find((h) => h.eventType === 'downloadFolderImported');
    expect(imported).toMatchObject({ movieId: movie.id, downloadId: record.downloadId });
    expect(imported?.data).toMatchObject({
      droppedPath: `${record.outputPath}/${record.title}.mkv`,
      importedPath: '/movies/Dune (2021)/Dune (2021).mkv',
    });
  });

  it('imports nothing (completed, unsuccessful) for a lowercase hash, another path, or an untracked id', async () => {
    const fake = await radarrFake();
    const movie = fake.addMovie({ tmdbId: 1, title: 'Dune', year: 2021 });
    const record = fake.addQueueItem({ movieId: movie.id, status: 'completed' });
    for (const body of [
      { path: record.outputPath, downloadClientId: record.downloadId!.toLowerCase() },
      { path: '/mnt/qbittorrent/complete/elsewhere', downloadClientId: record.downloadId },
      { path: record.outputPath, downloadClientId: 'SABnzbd_nzo_unknown' },
    ]) {
      expect(await scan(fake, { name: 'DownloadedMoviesScan', ...body })).toMatchObject({
        status: 'completed',
        result: 'unsuccessful',
        message: 'Failed to import',
      });
    }
    expect(fake.queue()).toHaveLength(1);
    expect(
      await scan(fake, { name: 'DownloadedMoviesScan', downloadClientId: record.downloadId }),
    ).toMatchObject({
      status: 'failed',
      message: "A path must be provided (Parameter 'path')",
    });
  });

  it('edge case 23: a grab the *arr never tracked is imported by folder, without a download id', async () => {
    const fake = await radarrFake();
    const movie = fake.addMovie({ tmdbId: 1, title: 'Dune', year: 2021 });
    const lost = fake.grab({ movieId: movie.id, queued: false });
    expect(fake.queue()).toEqual([]);
    expect(fake.history().map((h) => [h.eventType, h.downloadId])).toEqual([['grabbed', lost.downloadId]]);
    fake.addImportableFolder({ path: lost.outputPath!, movieId: movie.id, title: lost.title });
    const command = await scan(fake, {
      name: 'DownloadedMoviesScan',
      path: lost.outputPath,
      downloadClientId: lost.downloadId,
    });
    expect(command).toMatchObject({ status: 'completed', result: 'successful' });
    expect(fake.history().at(-1)).toMatchObject({ eventType: 'downloadFolderImported', downloadId: null });
    expect(fake.history().at(-1)?.data).toMatchObject({ downloadClient: null, downloadClientName: null });
    expect(fake.movieFiles()).toHaveLength(1);
  });

  it('Sonarr: a pack imports one file per episode and replaces an older file', async () => {
    const fake = await sonarrFake();
    const { episodes, pack } = sonarrScenario(fake);
    const command = await scan(fake, {
      name: 'DownloadedEpisodesScan',
      path: `${pack[0]!.outputPath}/`,
      downloadClientId: pack[0]!.downloadId,
    });
    expect(command).toMatchObject({ status: 'completed', result: 'successful' });
    expect(fake.queue().filter((r) => r.downloadId === pack[0]!.downloadId)).toEqual([]);
    const withFiles = fake.episodes().filter((e) => e.episodeFileId > 0);
    expect(withFiles.map((e) => e.id)).toEqual(episodes.map((e) => e.id));
    expect(
      fake
        .history()
        .filter((h) => h.eventType === 'downloadFolderImported')
        .map((h) => h.episodeId),
    ).toEqual([episodes[2]!.id, episodes[3]!.id]);
  });
});

describe('the library endpoints', () => {
  it('Radarr: movie by tmdbId is an array (empty when absent); files need movieId', async () => {
    const fake = await radarrFake();
    const { dune, arrival } = radarrScenario(fake);
    expect((await call(fake, 'GET', '/api/v3/movie?tmdbId=1')).json()).toEqual([]);
    expect((await call(fake, 'GET', `/api/v3/movie?tmdbId=${dune.tmdbId}`)).json()).toEqual([
      expect.objectContaining({ id: dune.id, hasFile: false, movieFileId: 0 }),
    ]);
    expect((await call(fake, 'GET', '/api/v3/moviefile')).status).toBe(400);
    expect((await call(fake, 'GET', '/api/v3/moviefile?movieId=999')).json()).toEqual([]);
    expect((await call(fake, 'GET', `/api/v3/moviefile?movieId=${arrival.id}`)).json()).toEqual([
      expect.objectContaining({ movieId: arrival.id, path: '/movies/Arrival (2016)/Arrival (2016).mkv' }),
    ]);
    expect((await call(fake, 'GET', '/api/v3/movie/999')).status).toBe(404);
  });

  it('Sonarr: episodes by series and season ([] when unknown); episode files 404 for an unknown series', async () => {
    const fake = await sonarrFake();
    const { frieren } = sonarrScenario(fake);
    const episodes = (
      await call(fake, 'GET', `/api/v3/episode?seriesId=${frieren.id}&seasonNumber=1`)
    ).json() as Array<{
      episodeNumber: number;
      hasFile: boolean;
      episodeFileId: number;
    }>;
    expect(episodes.map((e) => [e.episodeNumber, e.hasFile, e.episodeFileId > 0])).toEqual([
      [1, true, true],
      [2, true, true],
      [3, false, false],
      [4, false, false],
    ]);
    expect((await call(fake, 'GET', '/api/v3/episode?seriesId=999')).json()).toEqual([]);
    expect((await call(fake, 'GET', '/api/v3/episode')).status).toBe(400);
    expect((await call(fake, 'GET', '/api/v3/episodefile?seriesId=999')).status).toBe(404);
    expect((await call(fake, 'GET', '/api/v3/series?tvdbId=1')).json()).toEqual([]);
  });

  it('the core still serves the system status for any app (test/services.test.ts uses it directly)', async () => {
    const fake = await startArrApiFake({ app: 'Sonarr', apiKey: 'k' });
    open.push(fake);
    expect((await call(fake, 'GET', '/api/v3/system/status')).json()).toMatchObject({
      appName: 'Sonarr',
      version: '4.0.19.2849',
    });
    expect(fake.calls).toEqual(['GET /api/v3/system/status']);
  });
});
