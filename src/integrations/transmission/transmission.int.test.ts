import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithBinaries, freePort } from '../../../test/support/daemons/daemon-process.js';
import { makeTorrent } from '../../../test/support/daemons/torrents.js';
import {
  startTransmissionDaemon,
  type TransmissionDaemon,
} from '../../../test/support/daemons/transmission.daemon.js';
import { arrIdFromHash, type DownloadItem } from '../downloader/downloader.js';
import { describeDownloaderContract } from '../downloader/downloader.test-suite.js';
import { IntegrationError } from '../shared/integration-error.js';
import type { ResilienceOptions } from '../shared/service-http.js';
import { createTransmissionDownloader } from './transmission.client.js';

const RESILIENCE: ResilienceOptions = {
  timeoutMs: 5_000,
  maxAttempts: 2,
  initialBackoffMs: 50,
  maxBackoffMs: 100,
  breakAfter: 100,
  halfOpenAfterMs: 1_000,
};

function connect(daemon: TransmissionDaemon, options: { url?: string; password?: string } = {}) {
  return createTransmissionDownloader({
    url: options.url ?? daemon.url,
    username: daemon.username,
    password: options.password ?? daemon.password,
    resilience: RESILIENCE,
  });
}

/** A loopback reverse proxy under a path prefix that records the status of every answer. */
async function startCountingProxy(target: string, prefix: string) {
  const seen: number[] = [];
  const server: Server = createServer((req, res) => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port: new URL(target).port,
        path: (req.url ?? '/').replace(prefix, ''),
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        seen.push(answer.statusCode ?? 0);
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
    url: `http://127.0.0.1:${port}${prefix}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describeWithBinaries(['transmission-daemon'], 'Transmission (real daemon)', () => {
  describeDownloaderContract(
    'transmission-daemon',
    async () => {
      const daemon = await startTransmissionDaemon();
      const deadPort = await freePort();
      return {
        downloader: connect(daemon),
        withWrongCredentials: () => connect(daemon, { password: 'not-the-password' }),
        unreachable: () => connect(daemon, { url: `http://127.0.0.1:${deadPort}` }),
        async addCompleted({ name, category }) {
          const torrent = makeTorrent({ name, sizeBytes: 300_000, writeTo: daemon.downloadDir });
          await daemon.addTorrent({ torrent: torrent.torrent, label: category });
          return { arrId: arrIdFromHash(torrent.hash), sizeBytes: torrent.sizeBytes };
        },
        async addPaused({ name, category }) {
          const torrent = makeTorrent({ name, sizeBytes: 200_000 });
          await daemon.addTorrent({ torrent: torrent.torrent, label: category, paused: true });
          return { arrId: arrIdFromHash(torrent.hash), sizeBytes: torrent.sizeBytes };
        },
        remove: (arrId) => daemon.remove({ hash: arrId, deleteData: true }),
        stop: () => daemon.stop(),
      };
    },
    { settleMs: 15_000 },
  );

  describe('quirks of the real daemon', () => {
    let daemon: TransmissionDaemon;
    const settle = { timeout: 15_000, interval: 200 };

    beforeAll(async () => {
      daemon = await startTransmissionDaemon();
    });
    afterAll(async () => {
      await daemon?.stop();
    });

    async function itemOf(hash: string, url?: string): Promise<DownloadItem | undefined> {
      const items = await connect(daemon, url === undefined ? {} : { url }).listItems();
      return items.find((item) => item.clientId === hash);
    }

    it('reports its version through both URL forms', async () => {
      for (const url of [daemon.url, `${daemon.url}/`, `${daemon.url}/transmission/rpc`]) {
        const { version } = await connect(daemon, { url }).testConnection();
        expect(version).toMatch(/^3\.00 \(/);
      }
    });

    it('does the 409 handshake on the first call and again after the daemon restarts', async () => {
      const proxy = await startCountingProxy(daemon.url, '/box');
      try {
        const kept = makeTorrent({ name: `Restart.${randomBytes(3).toString('hex')}`, sizeBytes: 100_000 });
        await daemon.addTorrent({ torrent: kept.torrent, label: 'radarr', paused: true });
        const client = connect(daemon, { url: proxy.url });
        expect((await client.listItems()).some((item) => item.clientId === kept.hash)).toBe(true);
        await client.listItems();
        expect(proxy.seen).toEqual([409, 200, 200]);
        await daemon.restart();
        const after = await client.listItems();
        expect(proxy.seen.slice(3)).toEqual([409, 200]);
        expect(after.find((item) => item.clientId === kept.hash)).toMatchObject({
          category: 'radarr',
          state: 'paused',
        });
      } finally {
        await proxy.close();
      }
    });

    it('stops asking after a 401, so polls cannot run into the 100-failure lockout', async () => {
      const proxy = await startCountingProxy(daemon.url, '/box');
      try {
        const client = connect(daemon, { url: proxy.url, password: 'wrong' });
        for (let i = 0; i < 3; i += 1) {
          const error = await client.listItems().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(IntegrationError);
          expect((error as IntegrationError).kind).toBe('unauthorized');
        }
        expect(proxy.seen).toEqual([401]);
      } finally {
        await proxy.close();
      }
    });

    it('lists a running torrent without peers as stalled, with no eta', async () => {
      const orphan = makeTorrent({ name: `No.Peers.${randomBytes(3).toString('hex')}`, sizeBytes: 120_000 });
      await daemon.addTorrent({ torrent: orphan.torrent, label: 'sonarr' });
      await expect.poll(async () => (await itemOf(orphan.hash))?.state, settle).toBe('stalled');
      expect(await itemOf(orphan.hash)).toMatchObject({
        progress: 0,
        remainingBytes: 120_000,
        downloadSpeed: 0,
        etaSeconds: null,
        error: null,
        completedAt: null,
      });
      expect((await daemon.get({ hash: orphan.hash })).status).toBe(4);
    });

    it('lists a complete torrent with the content path of its file', async () => {
      const seed = makeTorrent({
        name: `Content.Path.${randomBytes(3).toString('hex')}.bin`,
        sizeBytes: 150_000,
        writeTo: daemon.downloadDir,
      });
      await daemon.addTorrent({ torrent: seed.torrent });
      await expect.poll(async () => (await itemOf(seed.hash))?.state, settle).toBe('completed');
      const item = await itemOf(seed.hash);
      expect(item).toMatchObject({
        category: null,
        savePath: daemon.downloadDir,
        contentPath: join(daemon.downloadDir, seed.name),
        // Data that was there already: Transmission never sets doneDate.
        completedAt: null,
      });
      expect(existsSync(item?.contentPath ?? '')).toBe(true);
    });

    it("lists a torrent whose data went away as missing_files, with the daemon's text", async () => {
      const seed = makeTorrent({
        name: `Gone.${randomBytes(3).toString('hex')}.bin`,
        sizeBytes: 100_000,
        writeTo: daemon.downloadDir,
      });
      const { hash } = await daemon.addTorrent({ torrent: seed.torrent, label: 'radarr' });
      await expect.poll(async () => (await itemOf(hash))?.state, settle).toBe('completed');
      rmSync(join(daemon.downloadDir, seed.name));
      await daemon.rpc('torrent-verify', { ids: [hash] });
      await expect.poll(async () => (await itemOf(hash))?.state, settle).toBe('missing_files');
      expect((await itemOf(hash))?.error).toMatch(/^No data found!/);
      expect(await daemon.get({ hash })).toMatchObject({ error: 3, status: 0 });
    });

    it('lists a torrent waiting for a download slot as queued', async () => {
      await daemon.rpc('session-set', { 'download-queue-enabled': true, 'download-queue-size': 1 });
      try {
        const first = makeTorrent({ name: `Slot.A.${randomBytes(3).toString('hex')}`, sizeBytes: 80_000 });
        const second = makeTorrent({ name: `Slot.B.${randomBytes(3).toString('hex')}`, sizeBytes: 80_000 });
        await daemon.addTorrent({ torrent: first.torrent });
        await daemon.addTorrent({ torrent: second.torrent });
        await expect.poll(async () => (await itemOf(second.hash))?.state, settle).toBe('queued');
        expect((await daemon.get({ hash: second.hash })).status).toBe(3);
      } finally {
        await daemon.rpc('session-set', { 'download-queue-enabled': false });
      }
    });

    it('test driver: a limited torrent is added paused with its label, starts, and removes with or without data', async () => {
      const limited = makeTorrent({ name: `Limited.${randomBytes(3).toString('hex')}`, sizeBytes: 90_000 });
      const { hash } = await daemon.addTorrent({
        torrent: limited.torrent,
        label: 'sonarr',
        paused: true,
        downloadLimitKBps: 50,
      });
      expect(hash).toBe(limited.hash);
      await expect.poll(async () => (await itemOf(hash))?.state, settle).toBe('paused');
      expect(await daemon.get({ hash: hash.toUpperCase() })).toMatchObject({
        labels: ['sonarr'],
        downloadLimited: true,
        downloadLimit: 50,
      });
      await daemon.start({ hash });
      await expect.poll(async () => (await itemOf(hash))?.state, settle).toBe('stalled');

      const kept = makeTorrent({
        name: `Kept.${randomBytes(3).toString('hex')}`,
        sizeBytes: 50_000,
        writeTo: daemon.downloadDir,
      });
      const dropped = makeTorrent({
        name: `Dropped.${randomBytes(3).toString('hex')}`,
        sizeBytes: 50_000,
        writeTo: daemon.downloadDir,
      });
      await daemon.addTorrent({ torrent: kept.torrent });
      await daemon.addTorrent({ torrent: dropped.torrent });
      await expect.poll(async () => (await itemOf(dropped.hash))?.state, settle).toBe('completed');
      await daemon.remove({ hash: kept.hash });
      await daemon.remove({ hash: dropped.hash.toUpperCase(), deleteData: true });
      await expect
        .poll(async () => (await itemOf(dropped.hash)) ?? (await itemOf(kept.hash)), settle)
        .toBeUndefined();
      expect(existsSync(join(daemon.downloadDir, kept.name))).toBe(true);
      await expect.poll(() => existsSync(join(daemon.downloadDir, dropped.name)), settle).toBe(false);
      await expect(daemon.get({ hash: kept.hash })).rejects.toThrow(/no torrent/);
    });

    it('lists a magnet link still without metadata as metadata', async () => {
      const hash = randomBytes(20).toString('hex');
      await daemon.rpc('torrent-add', { filename: `magnet:?xt=urn:btih:${hash}&dn=Magnet.Only` });
      await expect.poll(async () => (await itemOf(hash))?.state, settle).toBe('metadata');
      expect(await itemOf(hash)).toMatchObject({
        name: 'Magnet.Only',
        progress: 0,
        sizeBytes: 0,
        etaSeconds: null,
        completedAt: null,
      });
    });
  });
});
