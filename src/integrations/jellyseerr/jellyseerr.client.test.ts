import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_RESILIENCE } from '../../../test/support/test-app.js';
import { IntegrationError } from '../shared/integration-error.js';
import { createJellyseerrClient, type JellyseerrClient } from './jellyseerr.client.js';
import { type JellyseerrApiFake, startJellyseerrApiFake } from './jellyseerr-api.fake.js';

let fake: JellyseerrApiFake;
let clock: number;

beforeEach(async () => {
  clock = Date.parse('2026-03-01T12:00:00.000Z');
  fake = await startJellyseerrApiFake({ now: () => new Date(clock), version: '2.7.3' });
});
afterEach(async () => {
  await fake.close();
});

function connect(apiKey = fake.apiKey, url = fake.url): JellyseerrClient {
  return createJellyseerrClient({ url, apiKey, resilience: TEST_RESILIENCE });
}

/** The IntegrationError a call rejects with. */
async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IntegrationError);
  return error as IntegrationError;
}

const at = (minutes: number) =>
  new Date(Date.parse('2026-03-01T10:00:00.000Z') + minutes * 60_000).toISOString();
const listCalls = () => fake.calls.filter((call) => call.path.startsWith('/api/v1/request?'));

/** A server answering every path with one body, for shapes the fake never sends. */
async function fixedServer(
  status: number,
  body: unknown,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('connection', () => {
  it('returns the version, checking the key on settings first', async () => {
    await expect(connect().testConnection()).resolves.toEqual({ version: '2.7.3' });
    expect(fake.calls.map((call) => call.path)).toEqual(['/api/v1/settings/main', '/api/v1/status']);
  });

  it('says unauthorized for a wrong key, on every call', async () => {
    const client = connect('wrong');
    for (const call of [
      client.testConnection(),
      client.requestsSince(),
      client.request(1),
      client.media({ tmdbId: 603, type: 'movie' }),
    ]) {
      const error = await failure(call);
      expect(error.kind).toBe('unauthorized');
      expect(error.status).toBe(403);
    }
  });

  it('says unreachable when nothing listens, and bad_response on a 503', async () => {
    await fake.setDown(true, 'refuse');
    expect((await failure(connect().requestsSince())).kind).toBe('unreachable');
    await fake.setDown(false);
    await fake.setDown(true);
    const error = await failure(connect().request(1));
    expect(error).toMatchObject({ kind: 'bad_response', status: 503 });
  });
});

describe('requestsSince', () => {
  /** `count` movie requests, request i changed i minutes after 10:00. */
  function manyRequests(count: number) {
    for (let i = 1; i <= count; i++) {
      fake.addRequest({ mediaType: 'movie', tmdbId: 1000 + i, createdAt: at(i), updatedAt: at(i) });
    }
  }

  it('asks for the newest changes first, filter=all, in pages of pageSize', async () => {
    manyRequests(5);
    const requests = await connect().requestsSince({ pageSize: 2 });
    expect(requests.map((r) => r.id)).toEqual([5, 4, 3, 2, 1]);
    expect(listCalls().map((call) => call.path)).toEqual([
      '/api/v1/request?take=2&skip=0&filter=all&sort=modified',
      '/api/v1/request?take=2&skip=2&filter=all&sort=modified',
      '/api/v1/request?take=2&skip=4&filter=all&sort=modified',
    ]);
  });

  it('stops at the first page reaching back past `since`, keeping what changed since', async () => {
    manyRequests(10);
    const requests = await connect().requestsSince({ since: at(6), pageSize: 3 });
    // Pages: [10 9 8] [7 6 5] → 5 is older than `since`: no third page. 6 changed exactly at `since`.
    expect(requests.map((r) => r.id)).toEqual([10, 9, 8, 7, 6]);
    expect(listCalls()).toHaveLength(2);
  });

  it('reads on while a page ends exactly at `since`', async () => {
    manyRequests(6);
    const requests = await connect().requestsSince({ since: at(4), pageSize: 3 });
    expect(requests.map((r) => r.id)).toEqual([6, 5, 4]);
    expect(listCalls()).toHaveLength(2);
  });

  it('stops without an extra call when the last page is full and ends the list', async () => {
    manyRequests(4);
    expect(await connect().requestsSince({ pageSize: 2 })).toHaveLength(4);
    expect(listCalls()).toHaveLength(2);
    fake.clearCalls();
    expect(await connect().requestsSince({ since: '2030-01-01T00:00:00Z' })).toEqual([]);
    expect(listCalls()).toHaveLength(1);
  });

  it('returns each request once when one changes while it pages', async () => {
    manyRequests(6);
    let changed = false;
    fake.onCall(() => {
      if (changed) return;
      changed = true;
      // Request 1 moves to the top; 4 slides from page one to page two.
      clock = Date.parse(at(30));
      fake.updateRequest(1, { status: 'approved', modifiedBy: 1 });
    });
    const requests = await connect().requestsSince({ pageSize: 3 });
    expect(requests.map((r) => r.id)).toEqual([6, 5, 4, 3, 2]);
    expect(listCalls()).toHaveLength(2);
  });

  it('counts `since` from its whole second: Jellyseerr`s SQLite times have no milliseconds', async () => {
    manyRequests(3);
    const requests = await connect().requestsSince({
      since: new Date(Date.parse(at(2)) + 700).toISOString(),
    });
    expect(requests.map((r) => r.id)).toEqual([3, 2]);
  });

  it('rejects a bad `since` or page size before calling', async () => {
    await expect(connect().requestsSince({ since: 'yesterday' })).rejects.toThrow(RangeError);
    await expect(connect().requestsSince({ pageSize: 0 })).rejects.toThrow(RangeError);
    expect(fake.calls).toEqual([]);
  });
});

describe('normalisation', () => {
  it('reads a movie request', async () => {
    const alice = fake.addUser({ username: 'alice' });
    const request = fake.addRequest({
      mediaType: 'movie',
      tmdbId: 550,
      imdbId: 'tt0137523',
      status: 'completed',
      requestedBy: alice.id,
      createdAt: at(1),
      updatedAt: at(9),
    });
    fake.updateMedia(
      { mediaType: 'movie', tmdbId: 550 },
      { externalServiceId: 77, jellyfinMediaId: '0123456789abcdef0123456789abcdef' },
    );
    expect(await connect().request(request.id)).toEqual({
      id: request.id,
      status: 'completed',
      type: 'movie',
      is4k: false,
      tmdbId: 550,
      tvdbId: null,
      imdbId: 'tt0137523',
      mediaStatus: 'available',
      seasons: [],
      requestedBy: 'alice',
      requestedById: alice.id,
      modifiedById: alice.id,
      createdAt: at(1),
      updatedAt: at(9),
      externalServiceId: 77,
      jellyfinMediaId: '0123456789abcdef0123456789abcdef',
    });
  });

  it('reads a series request: sorted unique seasons, TVDB id, who approved it', async () => {
    const bob = fake.addUser({ username: null, jellyfinUsername: 'bob' });
    const request = fake.addRequest({
      mediaType: 'tv',
      tmdbId: 1396,
      tvdbId: 81189,
      seasons: [3, 1, 2],
      requestedBy: bob.id,
    });
    fake.updateRequest(request.id, { status: 'approved', modifiedBy: 1 });
    const [read] = await connect().requestsSince();
    expect(read).toMatchObject({
      type: 'tv',
      status: 'approved',
      tvdbId: 81189,
      seasons: [1, 2, 3],
      mediaStatus: 'processing',
      requestedBy: 'bob',
      requestedById: bob.id,
      modifiedById: 1,
    });
  });

  it('reads quality-specific fields in the request`s quality', async () => {
    const hd = fake.addRequest({ mediaType: 'movie', tmdbId: 603, status: 'completed' });
    const uhd = fake.addRequest({ mediaType: 'movie', tmdbId: 603, status: 'approved', is4k: true });
    fake.updateMedia(
      { mediaType: 'movie', tmdbId: 603 },
      {
        externalServiceId: 1,
        externalServiceId4k: 2,
        jellyfinMediaId: 'a'.repeat(32),
        jellyfinMediaId4k: null,
      },
    );
    const client = connect();
    expect(await client.request(hd.id)).toMatchObject({
      is4k: false,
      mediaStatus: 'available',
      externalServiceId: 1,
      jellyfinMediaId: 'a'.repeat(32),
    });
    expect(await client.request(uhd.id)).toMatchObject({
      is4k: true,
      mediaStatus: 'processing',
      externalServiceId: 2,
      jellyfinMediaId: null,
    });
  });

  it('names every request and media status, 6 and 7 included', async () => {
    const statuses = ['pending', 'approved', 'declined', 'failed', 'completed'] as const;
    for (const [i, status] of statuses.entries())
      fake.addRequest({ mediaType: 'movie', tmdbId: 10 + i, status });
    const mediaStatuses = [
      'unknown',
      'pending',
      'processing',
      'partially_available',
      'available',
      'deleted',
    ] as const;
    for (const [i, mediaStatus] of mediaStatuses.entries()) {
      fake.addRequest({ mediaType: 'tv', tmdbId: 20 + i, status: 'approved', mediaStatus });
    }
    const blocked = fake.addRequest({
      mediaType: 'movie',
      tmdbId: 30,
      status: 'declined',
      mediaStatus: 'blocklisted',
    });
    const client = connect();
    const all = await client.requestsSince();
    expect(all.filter((r) => r.type === 'movie').map((r) => r.status)).toEqual([...statuses].reverse());
    expect(all.filter((r) => r.type === 'tv').map((r) => r.mediaStatus)).toEqual(
      [...mediaStatuses].reverse(),
    );
    // Jellyseerr's `filter=all` leaves blocklisted media out; the request itself still answers.
    expect(all.map((r) => r.id)).not.toContain(blocked.id);
    expect(await client.request(blocked.id)).toMatchObject({
      status: 'declined',
      mediaStatus: 'blocklisted',
    });
  });

  it('names the requester as Jellyseerr shows them', async () => {
    const users = [
      fake.addUser({ username: 'alice', plexUsername: 'alice_plex' }),
      fake.addUser({ username: null, plexUsername: 'carol_plex' }),
      fake.addUser({ username: null, jellyfinUsername: 'bob' }),
      fake.addUser({ username: null, email: 'dave@example.com' }),
    ];
    for (const [i, user] of users.entries())
      fake.addRequest({ mediaType: 'movie', tmdbId: 40 + i, requestedBy: user.id });
    const names = (await connect().requestsSince()).map((r) => r.requestedBy).reverse();
    expect(names).toEqual(['alice', 'carol_plex', 'bob', 'dave@example.com']);
  });

  it('returns null for an unknown request id', async () => {
    expect(await connect().request(4242)).toBeNull();
    expect(fake.calls.at(-1)).toMatchObject({ path: '/api/v1/request/4242', status: 404 });
  });
});

describe('media', () => {
  it('reads title, year, poster and the media status of a movie and a series', async () => {
    fake.addRequest({ mediaType: 'movie', tmdbId: 603, title: 'The Matrix', year: 1999, status: 'approved' });
    fake.addTitle({
      mediaType: 'tv',
      tmdbId: 1396,
      title: 'Breaking Bad',
      date: '2008-01-20',
      posterPath: '/ggFHVNu6YYI5L9pCfOacjizRGt.jpg',
    });
    fake.addRequest({
      mediaType: 'tv',
      tmdbId: 1396,
      status: 'approved',
      is4k: true,
      mediaStatus: 'partially_available',
    });
    const client = connect();
    expect(await client.media({ tmdbId: 603, type: 'movie' })).toEqual({
      type: 'movie',
      tmdbId: 603,
      title: 'The Matrix',
      year: 1999,
      posterUrl: 'https://image.tmdb.org/t/p/w600_and_h900_bestv2/poster-603.jpg',
      mediaStatus: 'processing',
      mediaStatus4k: 'unknown',
    });
    expect(await client.media({ tmdbId: 1396, type: 'tv' })).toEqual({
      type: 'tv',
      tmdbId: 1396,
      title: 'Breaking Bad',
      year: 2008,
      posterUrl: 'https://image.tmdb.org/t/p/w600_and_h900_bestv2/ggFHVNu6YYI5L9pCfOacjizRGt.jpg',
      mediaStatus: 'unknown',
      mediaStatus4k: 'partially_available',
    });
    expect(fake.calls.map((call) => call.path)).toEqual(['/api/v1/movie/603', '/api/v1/tv/1396']);
  });

  it('has null year, poster and status for a title without date, poster or request', async () => {
    fake.addTitle({ mediaType: 'movie', tmdbId: 999, title: 'Untitled Project', posterPath: null });
    expect(await connect().media({ tmdbId: 999, type: 'movie' })).toEqual({
      type: 'movie',
      tmdbId: 999,
      title: 'Untitled Project',
      year: null,
      posterUrl: null,
      mediaStatus: null,
      mediaStatus4k: null,
    });
  });

  it('fails as a bad response for a title TMDB does not know (Jellyseerr answers 500)', async () => {
    const error = await failure(connect().media({ tmdbId: 424242, type: 'tv' }));
    expect(error).toMatchObject({ kind: 'bad_response', status: 500 });
  });
});

describe('answers the fake never gives', () => {
  const listOf = (results: unknown[]) => ({
    pageInfo: { pages: 1, pageSize: 100, results: results.length, page: 1 },
    results,
  });
  const movie = {
    id: 9,
    status: 2,
    type: 'movie',
    is4k: false,
    media: { tmdbId: 603, status: 3 },
    requestedBy: { id: 1, email: 'a@example.com' },
    modifiedBy: null,
    createdAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
  };

  it('skips music requests (Jellyseerr builds with Lidarr), counting them for `since`', async () => {
    const music = {
      id: 8,
      status: 2,
      type: 'music',
      media: { mbId: 'x' },
      updatedAt: '2026-02-01T00:00:00.000Z',
    };
    const server = await fixedServer(200, listOf([movie, music]));
    try {
      const requests = await createJellyseerrClient({
        url: server.url,
        apiKey: 'k',
        resilience: TEST_RESILIENCE,
      }).requestsSince({
        since: '2026-02-15T00:00:00Z',
        pageSize: 2,
      });
      expect(requests.map((r) => r.id)).toEqual([9]);
    } finally {
      await server.close();
    }
  });

  it('tolerates missing optional keys and a string modifiedBy; names the field that breaks', async () => {
    const minimal = await fixedServer(200, { ...movie, modifiedBy: '' });
    try {
      const client = createJellyseerrClient({ url: minimal.url, apiKey: 'k', resilience: TEST_RESILIENCE });
      expect(await client.request(9)).toMatchObject({
        tvdbId: null,
        imdbId: null,
        modifiedById: null,
        requestedBy: 'a@example.com',
        externalServiceId: null,
        jellyfinMediaId: null,
      });
    } finally {
      await minimal.close();
    }
    const broken = await fixedServer(
      200,
      listOf([movie, { ...movie, id: 10, media: { tmdbId: '603', status: 3 } }]),
    );
    try {
      const client = createJellyseerrClient({ url: broken.url, apiKey: 'k', resilience: TEST_RESILIENCE });
      const error = await failure(client.requestsSince());
      expect(error.kind).toBe('bad_response');
      expect(error.message).toBe(
        'Jellyseerr request list results[1]: media.tmdbId: expected a number, got "603"',
      );
    } finally {
      await broken.close();
    }
  });

  it('rejects unknown status numbers and non-JSON answers', async () => {
    for (const [body, message] of [
      [{ ...movie, status: 9 }, 'request 9.status: unknown request status 9'],
      [{ ...movie, media: { tmdbId: 603, status: 8 } }, 'request 9.media.status: unknown media status 8'],
      ['<html>login</html>', 'Jellyseerr request 9: expected JSON'],
    ] as const) {
      const server = await fixedServer(200, body);
      try {
        const client = createJellyseerrClient({ url: server.url, apiKey: 'k', resilience: TEST_RESILIENCE });
        const error = await failure(client.request(9));
        expect(error.kind).toBe('bad_response');
        expect(error.message).toContain(message);
      } finally {
        await server.close();
      }
    }
  });
});
