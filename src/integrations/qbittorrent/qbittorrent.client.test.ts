import { createServer, request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/daemons/daemon-process.js';
import type { DownloadItem } from '../downloader/downloader.js';
import { describeDownloaderContract } from '../downloader/downloader.test-suite.js';
import { integrationFailure as failure } from '../shared/integration-error.test-utils.js';
import type { ResilienceOptions } from '../shared/service-http.js';
import { createQbittorrentDownloader } from './qbittorrent.client.js';
import {
  type QbittorrentFake,
  type QbittorrentFakeOptions,
  startQbittorrentFake,
} from './qbittorrent.fake.js';

const RESILIENCE: ResilienceOptions = {
  timeoutMs: 2_000,
  maxAttempts: 3,
  initialBackoffMs: 5,
  maxBackoffMs: 10,
  breakAfter: 100,
  halfOpenAfterMs: 1_000,
};
const USER = 'admin';
const PASSWORD = 'fake-secret';

function connect(url: string, password: string | undefined = PASSWORD, username: string | undefined = USER) {
  return createQbittorrentDownloader({ url, username, password, resilience: RESILIENCE });
}

describeDownloaderContract('qBittorrent fake', async () => {
  const fake = await startQbittorrentFake({ username: USER, password: PASSWORD });
  const deadPort = await freePort();
  return {
    downloader: connect(fake.url),
    withWrongCredentials: () => connect(fake.url, 'wrong'),
    unreachable: () =>
      createQbittorrentDownloader({
        url: `http://127.0.0.1:${deadPort}`,
        username: USER,
        password: PASSWORD,
        resilience: { ...RESILIENCE, maxAttempts: 1 },
      }),
    async addCompleted({ name, category }) {
      const torrent = fake.addTorrent({ name, category, sizeBytes: 3_000_000, progress: 1 });
      return { arrId: torrent.hash.toUpperCase(), sizeBytes: 3_000_000 };
    },
    async addPaused({ name, category }) {
      const torrent = fake.addTorrent({ name, category, sizeBytes: 2_000_000, paused: true });
      return { arrId: torrent.hash.toUpperCase(), sizeBytes: 2_000_000 };
    },
    async remove(arrId) {
      fake.removeTorrent(arrId);
    },
    stop: () => fake.close(),
  };
});

describe('qBittorrent client quirks (against the fake)', () => {
  let fake: QbittorrentFake;
  async function restart(options: QbittorrentFakeOptions = {}): Promise<void> {
    await fake.close();
    fake = await startQbittorrentFake({ username: USER, password: PASSWORD, ...options });
  }
  beforeEach(async () => {
    fake = await startQbittorrentFake({ username: USER, password: PASSWORD });
  });
  afterEach(async () => {
    await fake.close();
  });

  const maindataCalls = () => fake.calls.filter((call) => call.includes('/sync/maindata'));
  const loginCalls = () => fake.calls.filter((call) => call.includes('/auth/login'));
  const lastAnswer = () => JSON.parse(fake.maindataAnswers.at(-1) ?? 'null') as Record<string, unknown>;
  const byId = (items: DownloadItem[]) => new Map(items.map((item) => [item.clientId, item]));

  describe('login', () => {
    it('treats `200 Fails.` as wrong credentials, not as a session', async () => {
      const client = connect(fake.url, 'wrong');
      const error = await failure(client.testConnection());
      expect(error.kind).toBe('unauthorized');
      expect(error.message).toMatch(/username or password/);
      expect((await failure(client.listItems())).kind).toBe('unauthorized');
      expect(maindataCalls()).toHaveLength(0);
    });

    it('does not repeat a refused login on every poll (qBittorrent bans the IP after 5), but a test does', async () => {
      const client = connect(fake.url, 'wrong');
      await failure(client.listItems());
      await failure(client.listItems());
      await failure(client.listItems());
      expect(loginCalls()).toHaveLength(1);
      fake.setCredentials({ username: USER, password: 'wrong' });
      await expect(client.testConnection()).resolves.toEqual({ version: 'v4.5.2' });
      expect(loginCalls()).toHaveLength(2);
      await expect(client.listItems()).resolves.toEqual([]);
    });

    it('reports a ban (403 on login) as unauthorized and says banned', async () => {
      fake.ban();
      const error = await failure(connect(fake.url).testConnection());
      expect(error.kind).toBe('unauthorized');
      expect(error.message).toMatch(/banned/);
    });

    /** A reverse proxy serving the fake under `/qbt`; `rewriteHost` sends the fake's own Host, as nginx does by default. */
    async function startPrefixProxy(rewriteHost: boolean) {
      const proxy = createServer((req, res) => {
        const upstream = request(
          {
            host: '127.0.0.1',
            port: new URL(fake.url).port,
            path: req.url?.replace(/^\/qbt/, ''),
            method: req.method,
            headers: rewriteHost ? { ...req.headers, host: new URL(fake.url).host } : req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        req.pipe(upstream);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const address = proxy.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      return {
        url: `http://127.0.0.1:${port}/qbt`,
        close: async () => {
          proxy.closeAllConnections();
          await new Promise((resolve) => proxy.close(resolve));
        },
      };
    }

    it('logs in with a Referer/Origin naming the URL it was given, path prefix included', async () => {
      const proxy = await startPrefixProxy(false);
      try {
        fake.addTorrent({ name: 'Behind.A.Proxy', progress: 1 });
        const items = await connect(proxy.url).listItems();
        expect(items.map((item) => item.name)).toEqual(['Behind.A.Proxy']);
        expect(loginCalls()).toEqual(['POST /api/v2/auth/login']);
        const login = fake.headers[fake.calls.indexOf('POST /api/v2/auth/login')];
        expect(login).toMatchObject({ referer: `${proxy.url}/`, origin: new URL(proxy.url).origin });
      } finally {
        await proxy.close();
      }
    });

    it('logs in without Referer/Origin once they fail the CSRF check (a proxy that rewrites Host)', async () => {
      const proxy = await startPrefixProxy(true);
      try {
        fake.addTorrent({ name: 'Behind.Nginx', progress: 1 });
        const client = connect(proxy.url);
        expect((await client.listItems()).map((item) => item.name)).toEqual(['Behind.Nginx']);
        fake.expireSessions();
        await client.listItems();
        const logins = fake.calls.flatMap((call, i) =>
          call.includes('/auth/login') ? [fake.headers[i]] : [],
        );
        expect(logins.map((h) => h?.origin ?? null)).toEqual([new URL(proxy.url).origin, null, null]);
        expect(fake.logins()).toBe(2);
      } finally {
        await proxy.close();
      }
    });

    it('logs in again after the session expired, then the call succeeds with a fresh full sync', async () => {
      const torrent = fake.addTorrent({ name: 'Expiring.Session', progress: 0.25, dlspeed: 1000 });
      const client = connect(fake.url);
      await client.listItems();
      await client.listItems();
      fake.expireSessions();
      fake.updateTorrent(torrent.hash, { progress: 0.5 });
      const items = await client.listItems();
      expect(items).toHaveLength(1);
      expect(items[0]?.progress).toBe(0.5);
      expect(fake.logins()).toBe(2);
      // rid=2 met the 403; the retry in the new session starts over at rid=0.
      expect(maindataCalls().slice(-2)).toEqual([
        'GET /api/v2/sync/maindata?rid=2',
        'GET /api/v2/sync/maindata?rid=0',
      ]);
      expect(lastAnswer().full_update).toBe(true);
    });

    it('gives up as unauthorized when a call still answers 403 after a fresh login', async () => {
      const client = connect(fake.url);
      await client.listItems();
      fake.failNext({ count: 2, status: 403, path: '/api/v2/sync/maindata' });
      const error = await failure(client.listItems());
      expect(error.kind).toBe('unauthorized');
      expect(fake.logins()).toBe(2);
      expect(maindataCalls()).toHaveLength(3);
    });

    it('works without credentials when qBittorrent bypasses auth, keeping the session it starts', async () => {
      await restart({ bypassLocalAuth: true });
      fake.addTorrent({ name: 'No.Login.Needed', progress: 1 });
      const client = createQbittorrentDownloader({ url: fake.url, resilience: RESILIENCE });
      expect(await client.testConnection()).toEqual({ version: 'v4.5.2' });
      expect((await client.listItems()).map((item) => item.name)).toEqual(['No.Login.Needed']);
      await client.listItems();
      expect(loginCalls()).toHaveLength(0);
      expect(lastAnswer().full_update).toBeUndefined();
    });

    it('says a username and password are needed when there are none and qBittorrent wants them', async () => {
      const error = await failure(
        createQbittorrentDownloader({ url: fake.url, resilience: RESILIENCE }).listItems(),
      );
      expect(error.kind).toBe('unauthorized');
      expect(error.message).toMatch(/username and password/);
    });

    it('calls a URL that is not qBittorrent a bad response', async () => {
      const error = await failure(connect(`${fake.url}/not-qbittorrent/`).testConnection());
      expect(error.kind).toBe('bad_response');
      expect(error.status).toBe(404);
    });
  });

  describe('incremental sync/maindata', () => {
    it('makes one request per call in steady state, each asking for the last rid', async () => {
      fake.addTorrent({ name: 'Steady', progress: 0.1, dlspeed: 10 });
      const client = connect(fake.url);
      await client.listItems();
      const before = fake.calls.length;
      for (let i = 0; i < 3; i += 1) await client.listItems();
      expect(fake.calls.slice(before)).toEqual([
        'GET /api/v2/sync/maindata?rid=1',
        'GET /api/v2/sync/maindata?rid=2',
        'GET /api/v2/sync/maindata?rid=3',
      ]);
      expect(fake.maindataAnswers.at(-1)).toBe('{"rid":4}');
    });

    it('merges partial deltas into the cached torrent', async () => {
      const torrent = fake.addTorrent({
        name: 'Delta.Merge',
        category: 'radarr',
        progress: 0.1,
        dlspeed: 1000,
      });
      const client = connect(fake.url);
      await client.listItems();
      fake.updateTorrent(torrent.hash, { progress: 0.6, dlspeed: 2500, eta: 40 });
      const [item] = await client.listItems();
      const delta = (lastAnswer().torrents as Record<string, Record<string, unknown>>)[torrent.hash];
      expect(delta).toBeDefined();
      expect(delta).not.toHaveProperty('name');
      expect(delta).not.toHaveProperty('category');
      expect(item).toMatchObject({
        name: 'Delta.Merge',
        category: 'radarr',
        progress: 0.6,
        downloadSpeed: 2500,
        etaSeconds: 40,
        remainingBytes: torrent.size - Math.round(torrent.size * 0.6),
      });
    });

    it('drops torrents listed in torrents_removed', async () => {
      const kept = fake.addTorrent({ name: 'Kept', progress: 1 });
      const gone = fake.addTorrent({ name: 'Gone', progress: 1 });
      const client = connect(fake.url);
      expect(await client.listItems()).toHaveLength(2);
      fake.removeTorrent(gone.hash);
      const items = await client.listItems();
      expect(lastAnswer().torrents_removed).toEqual([gone.hash]);
      expect(items.map((item) => item.clientId)).toEqual([kept.hash]);
    });

    it('replaces the cache on a full_update: a torrent absent from it disappears', async () => {
      const kept = fake.addTorrent({ name: 'In.The.Full.Update', progress: 1 });
      const gone = fake.addTorrent({ name: 'Missing.From.It', progress: 1 });
      const client = connect(fake.url);
      expect(await client.listItems()).toHaveLength(2);
      fake.removeTorrent(gone.hash);
      fake.forceFullUpdate();
      const items = await client.listItems();
      expect(lastAnswer()).toMatchObject({ full_update: true });
      expect(lastAnswer()).not.toHaveProperty('torrents_removed');
      expect(items.map((item) => item.clientId)).toEqual([kept.hash]);
    });

    it('retries a 5xx and then succeeds', async () => {
      fake.addTorrent({ name: 'Flaky', progress: 1 });
      const client = connect(fake.url);
      await client.listItems();
      fake.failNext({ count: 2, status: 503, path: '/api/v2/sync/maindata' });
      const items = await client.listItems();
      expect(items.map((item) => item.name)).toEqual(['Flaky']);
      expect(maindataCalls()).toHaveLength(4);
      expect(client.status().lastSuccessAt).not.toBeNull();
    });

    it('runs concurrent calls one after the other, so neither forces a full update', async () => {
      fake.addTorrent({ name: 'Concurrent', progress: 1 });
      const client = connect(fake.url);
      const [first, second] = await Promise.all([client.listItems(), client.listItems()]);
      expect(first).toEqual(second);
      expect(maindataCalls()).toEqual(['GET /api/v2/sync/maindata?rid=0', 'GET /api/v2/sync/maindata?rid=1']);
    });

    it('lists the same items through the full torrents/info listing', async () => {
      fake.addTorrent({ name: 'Full.One', category: 'radarr', progress: 1 });
      fake.addTorrent({ name: 'Full.Two', progress: 0.3, dlspeed: 50 });
      const client = connect(fake.url);
      const sort = (items: DownloadItem[]) => [...items].sort((a, b) => a.clientId.localeCompare(b.clientId));
      const incremental = sort(await client.listItems());
      const full = sort(await client.listItemsFull());
      expect(full).toEqual(incremental);
      expect(fake.calls.at(-1)).toBe('GET /api/v2/torrents/info');
      expect(fake.traffic()['/api/v2/torrents/info']?.bytes).toBeGreaterThan(0);
    });
  });

  describe('normalisation', () => {
    const table: Array<[string, DownloadItem['state']]> = [
      ['uploading', 'completed'],
      ['stalledUP', 'completed'],
      ['queuedUP', 'completed'],
      ['forcedUP', 'completed'],
      ['pausedUP', 'completed'],
      ['stoppedUP', 'completed'],
      ['checkingUP', 'checking'],
      ['checkingDL', 'checking'],
      ['checkingResumeData', 'checking'],
      ['downloading', 'downloading'],
      ['forcedDL', 'downloading'],
      ['moving', 'downloading'],
      ['metaDL', 'metadata'],
      ['forcedMetaDL', 'metadata'],
      ['stalledDL', 'stalled'],
      ['pausedDL', 'paused'],
      ['stoppedDL', 'paused'],
      ['queuedDL', 'queued'],
      ['error', 'failed'],
      ['missingFiles', 'missing_files'],
      ['allocating', 'downloading'],
      ['unknown', 'downloading'],
      ['aStateFromTheFuture', 'downloading'],
    ];

    it('maps every qBittorrent state (4.x and 5.x names)', async () => {
      const hashes = new Map(
        table.map(([state]) => [
          fake.addTorrent({ name: `State.${state}`, state, progress: 0.5 }).hash,
          state,
        ]),
      );
      const items = await connect(fake.url).listItems();
      const seen = Object.fromEntries(items.map((item) => [hashes.get(item.clientId), item.state]));
      expect(seen).toEqual(Object.fromEntries(table));
    });

    it('understands a 5.x client: stoppedUP is completed, stoppedDL is paused', async () => {
      await restart({ version: 'v5.0.4', webApiVersion: '2.11.2' });
      const done = fake.addTorrent({ name: 'Stopped.Done', progress: 1, paused: true });
      const paused = fake.addTorrent({ name: 'Stopped.Half', progress: 0.5, paused: true });
      const client = connect(fake.url);
      expect(await client.testConnection()).toEqual({ version: 'v5.0.4' });
      const items = byId(await client.listItems());
      expect(fake.torrent(done.hash)?.state).toBe('stoppedUP');
      expect(fake.torrent(paused.hash)?.state).toBe('stoppedDL');
      expect(items.get(done.hash)?.state).toBe('completed');
      expect(items.get(paused.hash)?.state).toBe('paused');
    });

    it('turns the ETA sentinel 8640000 into null, and ignores the share-limit ETA of finished torrents', async () => {
      const stalled = fake.addTorrent({ name: 'Eta.Infinite', progress: 0.2, eta: 8_640_000 });
      const moving = fake.addTorrent({ name: 'Eta.Known', progress: 0.2, dlspeed: 100, eta: 120 });
      const seeding = fake.addTorrent({ name: 'Eta.Seeding', progress: 1, state: 'uploading', eta: 3600 });
      const items = byId(await connect(fake.url).listItems());
      expect(items.get(stalled.hash)?.etaSeconds).toBeNull();
      expect(items.get(moving.hash)?.etaSeconds).toBe(120);
      expect(items.get(seeding.hash)?.etaSeconds).toBeNull();
    });

    it('normalises ids, category, times, paths and error text', async () => {
      const done = fake.addTorrent({
        hash: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01',
        name: 'Movie.2024.1080p',
        category: 'radarr',
        sizeBytes: 5_000,
        progress: 1,
        added_on: 1_767_225_600,
        completion_on: 1_767_229_200,
        save_path: '/data/torrents',
        upspeed: 321,
      });
      const broken = fake.addTorrent({ name: 'Broken', state: 'error', progress: 0.4, completion_on: 0 });
      const lost = fake.addTorrent({ name: 'Lost', state: 'missingFiles', progress: 1 });
      const items = byId(await connect(fake.url).listItems());
      expect(items.get(done.hash)).toEqual({
        clientId: 'abcdef0123456789abcdef0123456789abcdef01',
        arrId: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01',
        name: 'Movie.2024.1080p',
        category: 'radarr',
        state: 'completed',
        progress: 1,
        sizeBytes: 5_000,
        remainingBytes: 0,
        downloadSpeed: 0,
        uploadSpeed: 321,
        etaSeconds: null,
        error: null,
        savePath: '/data/torrents',
        contentPath: '/data/torrents/Movie.2024.1080p',
        addedAt: '2026-01-01T00:00:00.000Z',
        completedAt: '2026-01-01T01:00:00.000Z',
      });
      expect(items.get(broken.hash)).toMatchObject({ state: 'failed', category: null, completedAt: null });
      expect(items.get(broken.hash)?.error).toMatch(/error/);
      expect(items.get(lost.hash)?.state).toBe('missing_files');
      expect(items.get(lost.hash)?.error).toMatch(/files/);
    });
  });
});

/**
 * Answers captured from the real qbittorrent-nox 4.5.2 (trimmed to the fields read), played back in
 * order; every request is recorded.
 */
async function startScriptedQbittorrent(answers: Array<{ path: string; body: string }>) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const next = answers.shift();
    if (!next || !req.url?.startsWith(next.path)) {
      res.writeHead(500).end(`unexpected ${req.url}`);
      return;
    }
    const headers: Record<string, string> = next.path.endsWith('/auth/login')
      ? { 'set-cookie': 'SID=scripted; HttpOnly; path=/; SameSite=Strict' }
      : {};
    res.writeHead(200, headers).end(next.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('qBittorrent client on captured 4.5.2 answers', () => {
  const hash = '0036eae90ae60e42975d3e5e69770b16c178c61a';
  const loading = {
    added_on: 1795334091,
    amount_left: 300000,
    category: 'radarr',
    completion_on: 0,
    content_path: 'done.bin',
    dlspeed: 0,
    eta: 8640000,
    name: 'done.bin',
    progress: 0,
    save_path: '/tmp/qbprobe/dl',
    size: 300000,
    state: 'checkingResumeData',
    upspeed: 0,
  };

  it('follows a torrent from loading (relative content_path) to stalledUP through deltas', async () => {
    const scripted = await startScriptedQbittorrent([
      { path: '/api/v2/auth/login', body: 'Ok.' },
      {
        path: '/api/v2/sync/maindata',
        body: JSON.stringify({ categories: {}, full_update: true, rid: 1, torrents: { [hash]: loading } }),
      },
      { path: '/api/v2/sync/maindata', body: '{"rid":2}' },
      {
        path: '/api/v2/sync/maindata',
        body: JSON.stringify({
          rid: 3,
          server_state: { average_time_queue: 18 },
          torrents: {
            [hash]: {
              amount_left: 0,
              completed: 300000,
              completion_on: 1795334091,
              content_path: '/tmp/qbprobe/dl/done.bin',
              priority: 0,
              progress: 1,
              state: 'stalledUP',
            },
          },
        }),
      },
    ]);
    try {
      const client = connect(scripted.url);
      const [loaded] = await client.listItems();
      expect(loaded).toMatchObject({ state: 'checking', contentPath: null, savePath: '/tmp/qbprobe/dl' });
      expect(await client.listItems()).toEqual([loaded]);
      const [done] = await client.listItems();
      expect(done).toMatchObject({
        state: 'completed',
        progress: 1,
        remainingBytes: 0,
        contentPath: '/tmp/qbprobe/dl/done.bin',
        completedAt: new Date(1795334091 * 1000).toISOString(),
        category: 'radarr',
      });
      expect(scripted.requests.slice(1)).toEqual([
        '/api/v2/sync/maindata?rid=0',
        '/api/v2/sync/maindata?rid=1',
        '/api/v2/sync/maindata?rid=2',
      ]);
    } finally {
      await scripted.close();
    }
  });

  it('starts over with rid=0 when a delta names a torrent it never saw whole', async () => {
    const other = 'e8be264e5e34dbb28a505c9ad174c8f5936ff90a';
    const scripted = await startScriptedQbittorrent([
      { path: '/api/v2/auth/login', body: 'Ok.' },
      {
        path: '/api/v2/sync/maindata',
        body: JSON.stringify({ full_update: true, rid: 1, torrents: { [hash]: loading } }),
      },
      {
        path: '/api/v2/sync/maindata',
        body: JSON.stringify({ rid: 2, torrents: { [other]: { state: 'pausedDL' } } }),
      },
      {
        path: '/api/v2/sync/maindata',
        body: JSON.stringify({
          full_update: true,
          rid: 1,
          torrents: { [hash]: loading, [other]: { ...loading, name: 'paused.bin', state: 'pausedDL' } },
        }),
      },
    ]);
    try {
      const client = connect(scripted.url);
      await client.listItems();
      const items = byIdOf(await client.listItems());
      expect(items.get(other)?.state).toBe('paused');
      expect(items.size).toBe(2);
      expect(scripted.requests.slice(-2)).toEqual([
        '/api/v2/sync/maindata?rid=1',
        '/api/v2/sync/maindata?rid=0',
      ]);
    } finally {
      await scripted.close();
    }
  });

  it('calls a maindata answer of the wrong shape a bad response, keeping the cache', async () => {
    const scripted = await startScriptedQbittorrent([
      { path: '/api/v2/auth/login', body: 'Ok.' },
      {
        path: '/api/v2/sync/maindata',
        body: JSON.stringify({ full_update: true, rid: 1, torrents: { [hash]: loading } }),
      },
      { path: '/api/v2/sync/maindata', body: '<html>proxy error</html>' },
      { path: '/api/v2/sync/maindata', body: '{"rid":3}' },
    ]);
    try {
      const client = connect(scripted.url);
      const first = await client.listItems();
      expect((await failure(client.listItems())).kind).toBe('bad_response');
      expect(await client.listItems()).toEqual(first);
      expect(scripted.requests.at(-1)).toBe('/api/v2/sync/maindata?rid=1');
    } finally {
      await scripted.close();
    }
  });
});

function byIdOf(items: DownloadItem[]) {
  return new Map(items.map((item) => [item.clientId, item]));
}
