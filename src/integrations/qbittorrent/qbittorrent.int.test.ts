import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithBinaries, freePort } from '../../../test/support/daemons/daemon-process.js';
import {
  type QbittorrentDaemon,
  startQbittorrentDaemon,
} from '../../../test/support/daemons/qbittorrent.daemon.js';
import { makeTorrent } from '../../../test/support/daemons/torrents.js';
import { arrIdFromHash, type DownloadItem } from '../downloader/downloader.js';
import { describeDownloaderContract } from '../downloader/downloader.test-suite.js';
import type { ResilienceOptions } from '../shared/service-http.js';
import { createQbittorrentDownloader } from './qbittorrent.client.js';

const RESILIENCE: ResilienceOptions = {
  timeoutMs: 5_000,
  maxAttempts: 2,
  initialBackoffMs: 50,
  maxBackoffMs: 100,
  breakAfter: 100,
  halfOpenAfterMs: 1_000,
};

function connect(daemon: QbittorrentDaemon, options: { url?: string; password?: string } = {}) {
  return createQbittorrentDownloader({
    url: options.url ?? daemon.url,
    username: daemon.username,
    password: options.password ?? daemon.password,
    resilience: RESILIENCE,
  });
}

/**
 * A loopback reverse proxy in front of the daemon that records each request and its answer's size.
 * Like nginx's default (`Host $proxy_host`) it sends the daemon's own Host: qBittorrent's host
 * header validation answers 401 to an IP address with another port.
 */
async function startCountingProxy(target: string) {
  const seen: Array<{ path: string; status: number; bytes: number }> = [];
  const server: Server = createServer((req, res) => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port: new URL(target).port,
        path: req.url,
        method: req.method,
        // Uncompressed, to compare JSON sizes (4.5.2 gzips larger answers when asked).
        headers: { ...req.headers, host: new URL(target).host, 'accept-encoding': 'identity' },
      },
      (answer) => {
        let bytes = 0;
        answer.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        answer.on('end', () => seen.push({ path: req.url ?? '', status: answer.statusCode ?? 0, bytes }));
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describeWithBinaries(['qbittorrent-nox'], 'qBittorrent (real daemon)', () => {
  describeDownloaderContract(
    'qbittorrent-nox',
    async () => {
      const daemon = await startQbittorrentDaemon();
      const deadPort = await freePort();
      return {
        downloader: connect(daemon),
        withWrongCredentials: () => connect(daemon, { password: 'not-the-password' }),
        unreachable: () => connect(daemon, { url: `http://127.0.0.1:${deadPort}` }),
        async addCompleted({ name, category }) {
          const torrent = makeTorrent({ name, sizeBytes: 300_000, writeTo: daemon.downloadDir });
          await daemon.addTorrent({ torrent: torrent.torrent, category });
          return { arrId: arrIdFromHash(torrent.hash), sizeBytes: torrent.sizeBytes };
        },
        async addPaused({ name, category }) {
          const torrent = makeTorrent({ name, sizeBytes: 200_000 });
          await daemon.addTorrent({ torrent: torrent.torrent, category, paused: true });
          return { arrId: arrIdFromHash(torrent.hash), sizeBytes: torrent.sizeBytes };
        },
        remove: (arrId) => daemon.remove({ hash: arrId, deleteFiles: true }),
        stop: () => daemon.stop(),
      };
    },
    { settleMs: 15_000 },
  );

  describe('sessions and incremental sync on the real daemon', () => {
    let daemon: QbittorrentDaemon;
    let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
    const settle = { timeout: 15_000, interval: 200 };
    const maindata = () => proxy.seen.filter((request) => request.path.startsWith('/api/v2/sync/maindata'));

    beforeAll(async () => {
      daemon = await startQbittorrentDaemon();
      proxy = await startCountingProxy(daemon.url);
    });
    afterAll(async () => {
      await proxy?.close();
      await daemon?.stop();
    });

    it('reports the version of qbittorrent-nox', async () => {
      const { version } = await connect(daemon).testConnection();
      expect(version).toMatch(/^v\d+\.\d+\.\d+/);
    });

    it('after the first poll, a maindata answer is a small fraction of the first', async () => {
      const seeding = Array.from({ length: 3 }, (_, i) =>
        makeTorrent({ name: `Bytes.Seeding.${i}.bin`, sizeBytes: 100_000, writeTo: daemon.downloadDir }),
      );
      const paused = Array.from({ length: 3 }, (_, i) =>
        makeTorrent({ name: `Bytes.Paused.${i}.bin`, sizeBytes: 100_000 }),
      );
      for (const torrent of seeding)
        await daemon.addTorrent({ torrent: torrent.torrent, category: 'radarr' });
      for (const torrent of paused) {
        await daemon.addTorrent({ torrent: torrent.torrent, category: 'sonarr', paused: true });
      }
      const checker = connect(daemon);
      await expect
        .poll(async () => (await checker.listItems()).filter((i) => i.state !== 'checking').length, settle)
        .toBe(seeding.length + paused.length);

      const client = connect(daemon, { url: proxy.url });
      const before = proxy.seen.length;
      const first = await client.listItems();
      const firstBytes = maindata().at(-1)?.bytes ?? 0;
      const polls: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        // qBittorrent refreshes its numbers every 1.5 s: wait for deltas that carry something.
        await new Promise((resolve) => setTimeout(resolve, 800));
        expect(await client.listItems()).toHaveLength(first.length);
        polls.push(maindata().at(-1)?.bytes ?? Number.NaN);
      }
      console.info(`qBittorrent 4.5.2 maindata JSON bytes: first ${firstBytes}, then ${polls.join(', ')}`);
      // One login (the first try, with our Origin, fails qBittorrent's CSRF check behind this
      // proxy), then exactly one maindata request per listItems call.
      expect(
        proxy.seen.slice(before).map((r) => `${r.status} ${r.path.replace(/rid=\d+/, 'rid=N')}`),
      ).toEqual([
        '401 /api/v2/auth/login',
        '200 /api/v2/auth/login',
        ...Array(4).fill('200 /api/v2/sync/maindata?rid=N'),
      ]);
      expect(firstBytes).toBeGreaterThan(first.length * 1_000);
      for (const bytes of polls) expect(bytes * 10).toBeLessThan(firstBytes);
    });

    it('lists the same torrents through torrents/info as through maindata', async () => {
      const paused = makeTorrent({ name: 'Full.Listing.bin', sizeBytes: 150_000 });
      await daemon.addTorrent({ torrent: paused.torrent, category: 'sonarr', paused: true });
      const client = connect(daemon);
      const stable = (items: DownloadItem[]) =>
        items
          .map(({ clientId, arrId, name, category, state, sizeBytes, savePath, contentPath, addedAt }) => ({
            clientId,
            arrId,
            name,
            category,
            state,
            sizeBytes,
            savePath,
            contentPath,
            addedAt,
          }))
          .sort((a, b) => a.clientId.localeCompare(b.clientId));
      await expect
        .poll(async () => (await client.listItems()).find((i) => i.name === paused.name)?.state, settle)
        .toBe('paused');
      expect(stable(await client.listItemsFull())).toEqual(stable(await client.listItems()));
    });

    it('shows a running torrent with no data and no peers as stalled', async () => {
      const orphan = makeTorrent({ name: 'No.Peers.bin', sizeBytes: 120_000 });
      await daemon.addTorrent({ torrent: orphan.torrent, category: 'sonarr' });
      const client = connect(daemon);
      await expect
        .poll(async () => (await client.listItems()).find((i) => i.clientId === orphan.hash)?.state, settle)
        .toBe('stalled');
      const item = (await client.listItems()).find((i) => i.clientId === orphan.hash);
      expect(item).toMatchObject({
        progress: 0,
        remainingBytes: 120_000,
        etaSeconds: null,
        completedAt: null,
      });
    });

    it('logs in again after qBittorrent restarts and syncs again from rid=0', async () => {
      const kept = makeTorrent({
        name: 'Survives.Restart.bin',
        sizeBytes: 100_000,
        writeTo: daemon.downloadDir,
      });
      await daemon.addTorrent({ torrent: kept.torrent, category: 'radarr' });
      const client = connect(daemon, { url: proxy.url });
      await expect
        .poll(async () => (await client.listItems()).some((i) => i.clientId === kept.hash), settle)
        .toBe(true);
      await client.listItems();
      await daemon.restart();
      const before = proxy.seen.length;
      await client.listItems();
      expect(
        proxy.seen.slice(before).map((r) => `${r.status} ${r.path.replace(/rid=[1-9]\d*/, 'rid=N')}`),
      ).toEqual([
        '403 /api/v2/sync/maindata?rid=N',
        '200 /api/v2/auth/login',
        '200 /api/v2/sync/maindata?rid=0',
      ]);
      await expect
        .poll(async () => (await client.listItems()).some((i) => i.clientId === kept.hash), settle)
        .toBe(true);
    });
  });
});
