import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/daemons/daemon-process.js';
import type { DownloadItem } from '../downloader/downloader.js';
import { describeDownloaderContract } from '../downloader/downloader.test-suite.js';
import { integrationFailure as errorOf } from '../shared/integration-error.test-utils.js';
import type { ResilienceOptions } from '../shared/service-http.js';
import { createDelugeDownloader } from './deluge.client.js';
import {
  DELUGE_FAKE_HOST_ID,
  type DelugeFake,
  type DelugeTorrentStatus,
  startDelugeFake,
} from './deluge.fake.js';

const FAST: ResilienceOptions = {
  timeoutMs: 2_000,
  maxAttempts: 1,
  initialBackoffMs: 1,
  maxBackoffMs: 1,
  breakAfter: 100,
  halfOpenAfterMs: 1_000,
};
const PASSWORD = 'fake-deluge-pass';

describeDownloaderContract('Deluge fake', async () => {
  const fake = await startDelugeFake({ password: PASSWORD });
  const closedPort = await freePort();
  return {
    downloader: createDelugeDownloader({ url: fake.url, password: PASSWORD, resilience: FAST }),
    withWrongCredentials: () =>
      createDelugeDownloader({ url: fake.url, password: 'wrong', resilience: FAST }),
    unreachable: () =>
      createDelugeDownloader({ url: `http://127.0.0.1:${closedPort}`, password: PASSWORD, resilience: FAST }),
    async addCompleted({ name, category }) {
      const torrent = fake.addTorrent({ name, label: category, state: 'Seeding', total_size: 734_003_200 });
      return { arrId: torrent.hash.toUpperCase(), sizeBytes: torrent.total_size };
    },
    async addPaused({ name, category }) {
      const torrent = fake.addTorrent({ name, label: category, state: 'Paused', total_size: 1_073_741_824 });
      return { arrId: torrent.hash.toUpperCase(), sizeBytes: torrent.total_size };
    },
    async remove(arrId) {
      fake.removeTorrent(arrId.toLowerCase());
    },
    stop: () => fake.close(),
  };
});

describe('Deluge client against the fake', () => {
  let fake: DelugeFake;
  beforeAll(async () => {
    fake = await startDelugeFake({ password: PASSWORD, downloadLocation: '/data/torrents' });
  });
  afterAll(() => fake.close());
  afterEach(() => {
    fake.failNext(0);
    fake.setPassword(PASSWORD);
    fake.setHosts(
      [
        {
          id: DELUGE_FAKE_HOST_ID,
          host: '127.0.0.1',
          port: 58846,
          username: 'localclient',
          online: true,
        },
      ],
      { connectTo: DELUGE_FAKE_HOST_ID },
    );
  });

  const downloader = (resilience: ResilienceOptions = FAST) =>
    createDelugeDownloader({ url: fake.url, password: PASSWORD, resilience });

  async function listed(status: Partial<DelugeTorrentStatus> & { name: string }): Promise<DownloadItem> {
    const torrent = fake.addTorrent(status);
    try {
      const item = (await downloader().listItems()).find((candidate) => candidate.clientId === torrent.hash);
      if (!item) throw new Error('torrent not listed');
      return item;
    } finally {
      fake.removeTorrent(torrent.hash);
    }
  }

  it('turns progress 0..100 into 0..1 and reports bytes, speeds, eta and times', async () => {
    const item = await listed({
      name: 'Movie.2024.1080p',
      hash: 'AB'.repeat(20),
      state: 'Downloading',
      total_size: 2_000_000,
      total_done: 850_000,
      progress: 42.5,
      download_payload_rate: 125_000.5,
      upload_payload_rate: 2_048,
      eta: 9.2,
      num_peers: 3,
      num_seeds: 1,
      time_added: 1_767_225_600.75,
    });
    expect(item).toMatchObject({
      clientId: 'ab'.repeat(20),
      arrId: 'AB'.repeat(20),
      name: 'Movie.2024.1080p',
      category: null,
      state: 'downloading',
      progress: 0.425,
      sizeBytes: 2_000_000,
      remainingBytes: 1_150_000,
      downloadSpeed: 125_000.5,
      uploadSpeed: 2_048,
      etaSeconds: 9,
      error: null,
      savePath: '/data/torrents',
      contentPath: '/data/torrents/Movie.2024.1080p',
      addedAt: '2026-01-01T00:00:00.750Z',
      completedAt: null,
    });
  });

  it('takes the label as the category, and an empty label as none', async () => {
    expect((await listed({ name: 'a', label: 'tv-sonarr' })).category).toBe('tv-sonarr');
    expect((await listed({ name: 'b', label: '' })).category).toBeNull();
  });

  it.each([
    // [Deluge fields, our state]
    [{ state: 'Downloading', download_payload_rate: 5_000, num_peers: 1, num_seeds: 2 }, 'downloading'],
    [{ state: 'Downloading', download_payload_rate: 0, num_peers: 0, num_seeds: 1 }, 'downloading'],
    [{ state: 'Downloading', download_payload_rate: 0, num_peers: 0, num_seeds: 0 }, 'stalled'],
    [{ state: 'Downloading', total_size: 0, total_wanted: 0 }, 'metadata'],
    [{ state: 'Seeding' }, 'completed'],
    [{ state: 'Seeding', total_done: 0, is_finished: false }, 'checking'],
    [{ state: 'Paused', total_done: 1_048_576 }, 'completed'],
    [{ state: 'Paused', total_done: 1_000 }, 'paused'],
    [{ state: 'Queued', total_done: 1_048_576 }, 'completed'],
    [{ state: 'Queued', total_done: 0 }, 'queued'],
    [{ state: 'Checking', total_done: 1_048_576 }, 'checking'],
    [{ state: 'Allocating' }, 'checking'],
    [{ state: 'Moving', total_done: 500 }, 'downloading'],
    [{ state: 'Error', message: 'Missing or invalid torrent data!' }, 'missing_files'],
    [{ state: 'Error', message: 'Unable to locate Download Folder!' }, 'missing_files'],
    [{ state: 'Error', message: 'No space left on device' }, 'failed'],
    [{ state: 'Stopped' }, 'downloading'],
  ] as const)('maps %o to %s', async (fields, state) => {
    expect((await listed({ name: 'state-case', ...fields })).state).toBe(state);
  });

  it('reports an error state with its message and the real byte progress (Deluge says 100)', async () => {
    const item = await listed({
      name: 'broken',
      state: 'Error',
      message: 'No space left on device',
      total_size: 4_000,
      total_done: 1_000,
    });
    expect(item).toMatchObject({ state: 'failed', error: 'No space left on device', progress: 0.25 });
    expect(item.remainingBytes).toBe(3_000);
  });

  it('gives eta only while downloading, and null for the 0 Deluge sends otherwise', async () => {
    expect((await listed({ name: 'a', state: 'Downloading', eta: 0, num_peers: 1 })).etaSeconds).toBeNull();
    expect((await listed({ name: 'b', state: 'Seeding', eta: 3_600 })).etaSeconds).toBeNull();
    expect((await listed({ name: 'c', state: 'Paused', eta: 60 })).etaSeconds).toBeNull();
    expect((await listed({ name: 'd', state: 'Downloading', eta: 60, num_peers: 1 })).etaSeconds).toBe(60);
  });

  it('reports completedAt only for finished torrents (Deluge keeps completed_time after a recheck)', async () => {
    const finished = await listed({ name: 'done', state: 'Seeding', completed_time: 1_767_225_600 });
    expect(finished.completedAt).toBe('2026-01-01T00:00:00.000Z');
    const rechecked = await listed({ name: 'again', state: 'Downloading', completed_time: 1_767_225_600 });
    expect(rechecked.completedAt).toBeNull();
  });

  it('makes one request per listItems once logged in and connected', async () => {
    const client = downloader();
    await client.listItems();
    const before = fake.calls.length;
    await client.listItems();
    await client.listItems();
    expect(fake.calls.slice(before)).toEqual(['web.update_ui', 'web.update_ui']);
  });

  it('logs in again and retries once when the session is no longer accepted', async () => {
    const torrent = fake.addTorrent({ name: 'after-expiry', state: 'Seeding' });
    const client = downloader();
    await client.listItems();
    fake.expireSessions();
    const before = fake.calls.length;
    const items = await client.listItems();
    expect(items.map((item) => item.clientId)).toContain(torrent.hash);
    expect(fake.calls.slice(before)).toEqual(['web.update_ui', 'auth.login', 'web.update_ui']);
    fake.removeTorrent(torrent.hash);
  });

  it('says unauthorized when the password changed, for listItems as for testConnection', async () => {
    const client = downloader();
    await client.listItems();
    fake.setPassword('changed');
    fake.expireSessions();
    expect((await errorOf(client.listItems())).kind).toBe('unauthorized');
    expect((await errorOf(client.testConnection())).kind).toBe('unauthorized');
  });

  it('connects Deluge Web to its daemon when it is not connected', async () => {
    const torrent = fake.addTorrent({ name: 'after-reconnect', state: 'Seeding' });
    const client = downloader();
    await client.listItems();
    fake.disconnect();
    const before = fake.calls.length;
    const items = await client.listItems();
    expect(items.map((item) => item.clientId)).toContain(torrent.hash);
    expect(fake.calls.slice(before)).toEqual([
      'web.update_ui',
      'web.get_hosts',
      'web.connect',
      'web.update_ui',
    ]);
    expect(fake.connectedHostId()).toBe(DELUGE_FAKE_HOST_ID);
    fake.removeTorrent(torrent.hash);
  });

  it('picks the first online host when Deluge Web knows several', async () => {
    fake.setHosts([
      { id: 'a'.repeat(32), host: '10.0.0.1', port: 58846, username: 'u', online: false },
      { id: 'b'.repeat(32), host: '10.0.0.2', port: 58846, username: 'u', online: true },
      { id: 'c'.repeat(32), host: '10.0.0.3', port: 58846, username: 'u', online: true },
    ]);
    expect(await downloader().testConnection()).toEqual({ version: '2.0.3' });
    expect(fake.connectedHostId()).toBe('b'.repeat(32));
  });

  it('says clearly when Deluge Web cannot reach any daemon', async () => {
    fake.setHosts([{ id: 'a'.repeat(32), host: '127.0.0.1', port: 58846, username: 'u', online: false }]);
    const single = await errorOf(downloader().listItems());
    expect(single.kind).toBe('bad_response');
    expect(single.message).toMatch(/Deluge Web is not connected to a daemon/);
    fake.setHosts([
      { id: 'a'.repeat(32), host: '127.0.0.1', port: 1, username: 'u', online: false },
      { id: 'b'.repeat(32), host: '127.0.0.1', port: 2, username: 'u', online: false },
    ]);
    expect((await errorOf(downloader().testConnection())).message).toMatch(/not connected to a daemon/);
    fake.setHosts([]);
    expect((await errorOf(downloader().listItems())).message).toMatch(/not connected to a daemon/);
  });

  it('retries a 5xx answer', async () => {
    fake.failNext(1, 502);
    const client = downloader({ ...FAST, maxAttempts: 2 });
    const items = await client.listItems();
    expect(Array.isArray(items)).toBe(true);
    expect(fake.calls).toContain('HTTP 502');
  });

  it('gives up on 5xx after its attempts as bad_response with the status', async () => {
    fake.failNext(5, 503);
    const error = await errorOf(downloader({ ...FAST, maxAttempts: 2 }).listItems());
    expect(error).toMatchObject({ kind: 'bad_response', status: 503 });
  });

  it('tells a server that is not Deluge Web apart (bad_response)', async () => {
    const port = await freePort();
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html/>'),
    );
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const client = createDelugeDownloader({
        url: `http://127.0.0.1:${port}`,
        password: 'x',
        resilience: FAST,
      });
      expect((await errorOf(client.testConnection())).kind).toBe('bad_response');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers testConnection with the daemon version', async () => {
    expect(await downloader().testConnection()).toEqual({ version: fake.version });
  });

  it('reports the health of its calls', async () => {
    const client = downloader();
    await client.listItems();
    expect(client.status()).toMatchObject({ circuit: 'closed', lastError: null });
    expect(client.status().lastSuccessAt).not.toBeNull();
  });
});
