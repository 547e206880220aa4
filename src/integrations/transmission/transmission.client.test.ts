import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/daemons/daemon-process.js';
import type { DownloadItem } from '../downloader/downloader.js';
import { describeDownloaderContract } from '../downloader/downloader.test-suite.js';
import { integrationFailure as failure } from '../shared/integration-error.test-utils.js';
import type { ResilienceOptions } from '../shared/service-http.js';
import { createTransmissionDownloader, transmissionRpcUrl, trTorrentToItem } from './transmission.client.js';
import {
  startTransmissionFake,
  TR_STATUS,
  type TransmissionFake,
  type TrFakeTorrentInput,
} from './transmission.fake.js';
import { trTorrentSchema } from './transmission.schemas.js';

const RESILIENCE: ResilienceOptions = {
  timeoutMs: 2_000,
  maxAttempts: 3,
  initialBackoffMs: 5,
  maxBackoffMs: 10,
  breakAfter: 100,
  halfOpenAfterMs: 1_000,
};
const USER = 'tracker';
const PASSWORD = 'fake-secret';

function connect(url: string, credentials: { username?: string; password?: string } = {}) {
  return createTransmissionDownloader({
    url,
    username: 'username' in credentials ? credentials.username : USER,
    password: 'password' in credentials ? credentials.password : PASSWORD,
    resilience: RESILIENCE,
  });
}

describeDownloaderContract('Transmission fake', async () => {
  const fake = await startTransmissionFake({ username: USER, password: PASSWORD });
  const deadPort = await freePort();
  return {
    downloader: connect(fake.url),
    withWrongCredentials: () => connect(fake.url, { password: 'wrong' }),
    unreachable: () =>
      createTransmissionDownloader({
        url: `http://127.0.0.1:${deadPort}`,
        username: USER,
        password: PASSWORD,
        resilience: { ...RESILIENCE, maxAttempts: 1 },
      }),
    async addCompleted({ name, category }) {
      const torrent = fake.addTorrent({
        name,
        labels: [category],
        sizeBytes: 3_000_000,
        percentDone: 1,
        status: TR_STATUS.seeding,
      });
      return { arrId: torrent.hashString.toUpperCase(), sizeBytes: 3_000_000 };
    },
    async addPaused({ name, category }) {
      const torrent = fake.addTorrent({ name, labels: [category], sizeBytes: 2_000_000 });
      return { arrId: torrent.hashString.toUpperCase(), sizeBytes: 2_000_000 };
    },
    async remove(arrId) {
      fake.removeTorrent(arrId);
    },
    stop: () => fake.close(),
  };
});

describe('Transmission client quirks (against the fake)', () => {
  let fake: TransmissionFake;
  beforeEach(async () => {
    fake = await startTransmissionFake({ username: USER, password: PASSWORD });
  });
  afterEach(async () => {
    await fake.close();
  });

  const statuses = () => fake.calls.map((call) => call.status);
  const only = async (input: TrFakeTorrentInput): Promise<DownloadItem> => {
    const torrent = fake.addTorrent(input);
    const items = await connect(fake.url).listItems();
    const item = items.find((i) => i.clientId === torrent.hashString);
    if (!item) throw new Error('torrent not listed');
    return item;
  };

  describe('the 409 session-id handshake', () => {
    it('answers the first 409 by resending the same request with the id, then keeps using it', async () => {
      fake.addTorrent({ name: 'Handshake' });
      const client = connect(fake.url);
      expect((await client.listItems()).map((item) => item.name)).toEqual(['Handshake']);
      expect(fake.calls).toMatchObject([
        { status: 409, sessionId: null },
        { status: 200, sessionId: fake.sessionId, rpc: 'torrent-get' },
      ]);
      await client.listItems();
      await client.testConnection();
      expect(statuses()).toEqual([409, 200, 200, 200]);
    });

    it('handles the id changing later (3.00 renews it hourly and on restart)', async () => {
      const client = connect(fake.url);
      await client.listItems();
      const old = fake.sessionId;
      const renewed = fake.rotateSessionId();
      await client.listItems();
      expect(fake.calls.slice(2)).toMatchObject([
        { status: 409, sessionId: old },
        { status: 200, sessionId: renewed },
      ]);
    });

    it('gives up with bad_response when the resent request gets 409 again', async () => {
      // A proxy that hands out a new id every time can never be satisfied: one resend, no loop.
      let answered = 0;
      const server = createServer((_req, res) => {
        answered += 1;
        res.writeHead(409, { 'X-Transmission-Session-Id': `id-${answered}` }).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      try {
        const error = await failure(connect(`http://127.0.0.1:${port}`).listItems());
        expect(error.kind).toBe('bad_response');
        expect(error.status).toBe(409);
        expect(answered).toBe(2);
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });

    it('keys items on hashString, not the integer ids a restart hands out again', async () => {
      const a = fake.addTorrent({ name: 'First', percentDone: 1, status: TR_STATUS.seeding });
      const b = fake.addTorrent({ name: 'Second' });
      const client = connect(fake.url);
      const before = await client.listItems();
      fake.simulateRestart();
      expect(fake.torrent(a.hashString)?.id).not.toBe(a.id);
      const after = await client.listItems();
      expect(after).toEqual(before);
      expect(after.map((item) => item.clientId).sort()).toEqual([a.hashString, b.hashString].sort());
      expect(statuses().slice(-2)).toEqual([409, 200]);
    });
  });

  describe('credentials', () => {
    it('calls a 401 unauthorized and does not repeat a refused password on every poll', async () => {
      const client = connect(fake.url, { password: 'wrong' });
      const error = await failure(client.testConnection());
      expect(error.kind).toBe('unauthorized');
      expect(error.status).toBe(401);
      expect(error.message).toMatch(/username or password/);
      // 3.00 locks everyone out after 100 failures in a row; polls must not get it there.
      expect((await failure(client.listItems())).kind).toBe('unauthorized');
      expect((await failure(client.listItems())).kind).toBe('unauthorized');
      expect(statuses()).toEqual([401]);
      // Someone fixed the password on Transmission's side and pressed "test".
      fake.setCredentials({ username: USER, password: 'wrong' });
      await expect(client.testConnection()).resolves.toEqual({ version: '3.00 (bb6b5a062e)' });
      await expect(client.listItems()).resolves.toEqual([]);
    });

    it('says credentials are needed when none were given', async () => {
      const error = await failure(
        connect(fake.url, { username: undefined, password: undefined }).listItems(),
      );
      expect(error.kind).toBe('unauthorized');
      expect(error.message).toMatch(/needs a username and password/);
    });

    it('sends HTTP Basic auth, also from credentials written into the URL', async () => {
      const url = new URL(fake.url);
      url.username = USER;
      url.password = PASSWORD;
      const client = connect(url.toString(), { username: undefined, password: undefined });
      await expect(client.testConnection()).resolves.toEqual({ version: '3.00 (bb6b5a062e)' });
    });

    it('works against a Transmission without auth', async () => {
      fake.setCredentials({});
      const client = connect(fake.url, { username: undefined, password: undefined });
      await expect(client.testConnection()).resolves.toEqual({ version: '3.00 (bb6b5a062e)' });
    });

    it("reports 3.00's lockout after 100 failed logins as unauthorized, with its text", async () => {
      fake.lockOut();
      const error = await failure(connect(fake.url).testConnection());
      expect(error.kind).toBe('unauthorized');
      expect(error.status).toBe(403);
      expect(error.message).toMatch(/Too many unsuccessful login attempts/);
    });
  });

  describe('RPC answers', () => {
    it('turns a result other than success into bad_response with that text', async () => {
      fake.failNextRpc('some internal error');
      const error = await failure(connect(fake.url).listItems());
      expect(error.kind).toBe('bad_response');
      expect(error.message).toBe('Transmission torrent-get: some internal error');
    });

    it('asks for the legacy camelCase fields in one torrent-get per call, however many torrents', async () => {
      for (let i = 0; i < 50; i += 1) fake.addTorrent({ name: `Many.${i}` });
      const client = connect(fake.url);
      await client.listItems();
      const before = fake.calls.length;
      expect(await client.listItems()).toHaveLength(50);
      const calls = fake.calls.slice(before);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.rpc).toBe('torrent-get');
      expect(calls[0]?.args).not.toHaveProperty('ids');
      expect(calls[0]?.args?.fields).toEqual(
        expect.arrayContaining([
          'hashString',
          'name',
          'downloadDir',
          'sizeWhenDone',
          'leftUntilDone',
          'percentDone',
          'eta',
          'status',
          'error',
          'errorString',
          'rateDownload',
          'rateUpload',
          'addedDate',
          'doneDate',
          'labels',
        ]),
      );
    });

    it('asks session-get for version and rpc-version', async () => {
      await connect(fake.url).testConnection();
      expect(fake.calls.at(-1)).toMatchObject({
        rpc: 'session-get',
        args: { fields: ['version', 'rpc-version'] },
      });
    });

    it('retries a 5xx and then succeeds', async () => {
      fake.addTorrent({ name: 'Flaky' });
      const client = connect(fake.url);
      await client.listItems();
      fake.failNext({ status: 502, count: 2 });
      expect((await client.listItems()).map((item) => item.name)).toEqual(['Flaky']);
      expect(statuses().slice(2)).toEqual([502, 502, 200]);
    });

    it('calls a 5xx that outlasts the retries a bad_response with its status', async () => {
      fake.failNext({ status: 503, count: 3 });
      const error = await failure(connect(fake.url).listItems());
      expect(error.kind).toBe('bad_response');
      expect(error.status).toBe(503);
      expect(statuses()).toEqual([503, 503, 503]);
    });
  });

  describe('URLs', () => {
    it.each([
      ['http://h:9091', 'http://h:9091/transmission/', 'rpc'],
      ['http://h:9091/', 'http://h:9091/transmission/', 'rpc'],
      ['http://h:9091/transmission/rpc', 'http://h:9091/transmission/', 'rpc'],
      ['http://h:9091/transmission/rpc/', 'http://h:9091/transmission/', 'rpc'],
      ['https://proxy/torrents', 'https://proxy/torrents/transmission/', 'rpc'],
      ['https://proxy/torrents/transmission/rpc', 'https://proxy/torrents/transmission/', 'rpc'],
      ['https://proxy/custom/rpc', 'https://proxy/custom/', 'rpc'],
    ])('%s posts to %s%s', (url, baseUrl, path) => {
      expect(transmissionRpcUrl(url)).toEqual({ baseUrl, path });
    });

    it('reads credentials out of the URL and leaves them out of the base', () => {
      expect(transmissionRpcUrl('http://me:p%40ss@h:9091')).toEqual({
        baseUrl: 'http://h:9091/transmission/',
        path: 'rpc',
        username: 'me',
        password: 'p@ss',
      });
    });

    it('reaches the RPC from the host root and from the full RPC path', async () => {
      fake.addTorrent({ name: 'Both.Forms' });
      for (const url of [fake.url, `${fake.url}/`, fake.rpcUrl, `${fake.rpcUrl}/`]) {
        const items = await connect(url).listItems();
        expect(items.map((item) => item.name)).toEqual(['Both.Forms']);
      }
    });

    it('keeps a reverse-proxy prefix', async () => {
      await fake.close();
      fake = await startTransmissionFake({
        username: USER,
        password: PASSWORD,
        rpcPath: '/tr/transmission/rpc',
      });
      fake.addTorrent({ name: 'Behind.A.Prefix' });
      for (const url of [`${fake.url}/tr`, `${fake.url}/tr/`, `${fake.url}/tr/transmission/rpc`]) {
        expect((await connect(url).listItems()).map((item) => item.name)).toEqual(['Behind.A.Prefix']);
      }
      expect(fake.calls.filter((call) => call.status !== 409 && call.status !== 200)).toEqual([]);
    });

    it('calls a URL that is not the RPC a bad_response (Transmission redirects it to its web UI)', async () => {
      const error = await failure(connect(`${fake.url}/rpc`).testConnection());
      expect(error.kind).toBe('bad_response');
      expect(error.status).toBe(301);
      expect(error.message).toMatch(/RPC URL/);
    });
  });

  describe('state mapping', () => {
    const cases: Array<[string, TrFakeTorrentInput, DownloadItem['state']]> = [
      ['0 stopped, nothing downloaded', { status: 0, percentDone: 0.4 }, 'paused'],
      ['0 stopped, all there', { status: 0, percentDone: 1 }, 'completed'],
      [
        '0 stopped, wanted files all there',
        { status: 0, sizeWhenDone: 500, leftUntilDone: 0, percentDone: 1 },
        'completed',
      ],
      ['1 check-wait', { status: 1, percentDone: 0.5 }, 'checking'],
      ['2 checking', { status: 2, percentDone: 1 }, 'checking'],
      ['3 download-wait', { status: 3 }, 'queued'],
      [
        '4 downloading, bytes arriving',
        { status: 4, percentDone: 0.3, rateDownload: 5000, eta: 60 },
        'downloading',
      ],
      [
        '4 downloading, nothing arriving',
        { status: 4, percentDone: 0.3, rateDownload: 0, eta: -1 },
        'stalled',
      ],
      [
        '4 downloading, isStalled',
        { status: 4, percentDone: 0.3, rateDownload: 10, isStalled: true },
        'stalled',
      ],
      [
        '4 downloading, magnet without metadata',
        { status: 4, sizeBytes: 0, leftUntilDone: 0, percentDone: 0, metadataPercentComplete: 0, eta: -2 },
        'metadata',
      ],
      [
        '0 stopped magnet without metadata (leftUntilDone is 0 too)',
        { status: 0, sizeBytes: 0, leftUntilDone: 0, percentDone: 0, metadataPercentComplete: 0 },
        'paused',
      ],
      [
        '4 downloading, last piece in (just before seeding)',
        { status: 4, percentDone: 1, rateDownload: 373_000 },
        'completed',
      ],
      ['5 seed-wait', { status: 5, percentDone: 1 }, 'completed'],
      ['6 seeding', { status: 6, percentDone: 1 }, 'completed'],
      ['a status added later', { status: 9, percentDone: 0.5 }, 'downloading'],
      [
        'error 3, data gone (3.00 text)',
        {
          status: 0,
          percentDone: 1,
          error: 3,
          errorString:
            'No data found! Ensure your drives are connected or use "Set Location". To re-download, remove the torrent and re-add it.',
        },
        'missing_files',
      ],
      [
        'error 3, another local error',
        { status: 0, percentDone: 0.2, error: 3, errorString: 'Permission denied' },
        'failed',
      ],
      [
        'error 1 keeps the state',
        { status: 6, percentDone: 1, error: 1, errorString: 'Tracker gave HTTP 404' },
        'completed',
      ],
      [
        'error 2 keeps the state',
        { status: 4, percentDone: 0.5, rateDownload: 10, error: 2, errorString: 'unregistered torrent' },
        'downloading',
      ],
    ];
    it.each(cases)('%s → %s', async (_title, input, state) => {
      expect((await only(input)).state).toBe(state);
    });

    it('surfaces errorString as the error, for tracker and local errors alike', async () => {
      expect(
        await only({ status: 6, percentDone: 1, error: 2, errorString: 'Unregistered torrent' }),
      ).toMatchObject({
        state: 'completed',
        error: 'Unregistered torrent',
      });
      expect((await only({ status: 0, error: 3, errorString: 'No space left on device' })).error).toBe(
        'No space left on device',
      );
      expect((await only({ status: 0, error: 1, errorString: '' })).error).toBe(
        'Transmission reports a tracker warning',
      );
      expect((await only({ status: 4, rateDownload: 10 })).error).toBeNull();
    });

    it('turns eta -1 and -2 into null, keeps a real eta, and drops a seeding eta (time to the seed ratio)', async () => {
      expect((await only({ status: 4, rateDownload: 0, eta: -1 })).etaSeconds).toBeNull();
      expect((await only({ status: 4, rateDownload: 0, eta: -2 })).etaSeconds).toBeNull();
      expect((await only({ status: 4, rateDownload: 5000, eta: 125 })).etaSeconds).toBe(125);
      expect((await only({ status: 6, percentDone: 1, eta: 3600 })).etaSeconds).toBeNull();
    });

    it('takes the first label as the category, null without labels', async () => {
      expect((await only({ labels: ['radarr', 'hd'] })).category).toBe('radarr');
      expect((await only({ labels: [] })).category).toBeNull();
    });

    it('normalises sizes, speeds, paths and times', async () => {
      const item = await only({
        name: 'Some.Movie.2024',
        downloadDir: '/data/torrents/movies',
        sizeBytes: 8_000_000,
        sizeWhenDone: 6_000_000,
        percentDone: 0.25,
        status: 4,
        rateDownload: 1_234_000,
        rateUpload: 56_000,
        eta: 4,
        addedDate: 1_700_000_000,
        doneDate: 0,
      });
      expect(item).toMatchObject({
        arrId: item.clientId.toUpperCase(),
        sizeBytes: 6_000_000,
        remainingBytes: 4_500_000,
        progress: 0.25,
        downloadSpeed: 1_234_000,
        uploadSpeed: 56_000,
        savePath: '/data/torrents/movies',
        contentPath: '/data/torrents/movies/Some.Movie.2024',
        addedAt: '2023-11-14T22:13:20.000Z',
        completedAt: null,
      });
      expect(item.clientId).toMatch(/^[0-9a-f]{40}$/);
      const done = await only({ status: 6, percentDone: 1, doneDate: 1_700_000_600, downloadDir: '/data/' });
      expect(done).toMatchObject({
        completedAt: '2023-11-14T22:23:20.000Z',
        contentPath: `/data/${done.name}`,
      });
    });

    it('joins Windows download dirs with a backslash', () => {
      const torrent = trTorrentSchema.parse({
        hashString: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01',
        name: 'Show.S01',
        downloadDir: 'D:\\Downloads',
        sizeWhenDone: 10,
        leftUntilDone: 0,
        percentDone: 1,
        status: 6,
      });
      expect(trTorrentToItem(torrent)).toMatchObject({
        clientId: 'abcdef0123456789abcdef0123456789abcdef01',
        arrId: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01',
        contentPath: 'D:\\Downloads\\Show.S01',
      });
    });

    it('reads the 0 that 3.00 sends for a field it does not know (labels before RPC 16) as no label', () => {
      const torrent = trTorrentSchema.parse({
        hashString: 'abcdef0123456789abcdef0123456789abcdef01',
        name: 'Old.Daemon',
        sizeWhenDone: 10,
        leftUntilDone: 10,
        percentDone: 0,
        status: 0,
        labels: 0,
        isStalled: 0,
      });
      expect(trTorrentToItem(torrent)).toMatchObject({ category: null, state: 'paused' });
    });

    it('calls a torrent-get answer it cannot read a bad_response naming the field', async () => {
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({ result: 'success', arguments: { torrents: [{ hashString: 'ab', name: 'x' }] } }),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      try {
        const error = await failure(connect(`http://127.0.0.1:${port}`).listItems());
        expect(error.kind).toBe('bad_response');
        expect(error.message).toMatch(/torrents\.0\.(sizeWhenDone|leftUntilDone|percentDone|status)/);
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });
  });
});
