import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithBinaries, freePort } from '../../../test/support/daemons/daemon-process.js';
import { type DelugeDaemon, startDelugeDaemon } from '../../../test/support/daemons/deluge.daemon.js';
import { makeTorrent } from '../../../test/support/daemons/torrents.js';
import { type DownloadItem, downloadItemSchema } from '../downloader/downloader.js';
import { describeDownloaderContract } from '../downloader/downloader.test-suite.js';
import type { ResilienceOptions } from '../shared/service-http.js';
import { createDelugeDownloader } from './deluge.client.js';

const FAST: ResilienceOptions = {
  timeoutMs: 5_000,
  maxAttempts: 1,
  initialBackoffMs: 1,
  maxBackoffMs: 1,
  breakAfter: 100,
  halfOpenAfterMs: 1_000,
};
/** Deluge checks the data of a new torrent first; a restarted daemon needs a moment too. */
const SETTLE = { timeout: 20_000, interval: 200 };

describeWithBinaries(['deluged', 'deluge-web'], 'Deluge (real daemon)', () => {
  describeDownloaderContract(
    'Deluge 2.x (deluged + deluge-web)',
    async () => {
      const daemon = await startDelugeDaemon();
      const closedPort = await freePort();
      return {
        downloader: createDelugeDownloader({ url: daemon.url, password: daemon.password }),
        withWrongCredentials: () =>
          createDelugeDownloader({ url: daemon.url, password: 'not-the-password', resilience: FAST }),
        unreachable: () =>
          createDelugeDownloader({ url: `http://127.0.0.1:${closedPort}`, password: 'x', resilience: FAST }),
        async addCompleted({ name, category }) {
          const torrent = makeTorrent({ name, sizeBytes: 300_000, writeTo: daemon.downloadDir });
          const { hash } = await daemon.addTorrent({ torrent: torrent.torrent, label: category });
          return { arrId: hash.toUpperCase(), sizeBytes: torrent.sizeBytes };
        },
        async addPaused({ name, category }) {
          const torrent = makeTorrent({ name, sizeBytes: 300_000 });
          const { hash } = await daemon.addTorrent({
            torrent: torrent.torrent,
            label: category,
            paused: true,
          });
          return { arrId: hash.toUpperCase(), sizeBytes: torrent.sizeBytes };
        },
        remove: (arrId) => daemon.remove({ hash: arrId.toLowerCase(), removeData: true }),
        stop: () => daemon.stop(),
      };
    },
    { settleMs: SETTLE.timeout },
  );

  describe('Deluge 2.x beyond the contract', () => {
    let daemon: DelugeDaemon;
    beforeAll(async () => {
      daemon = await startDelugeDaemon();
    });
    afterAll(() => daemon?.stop());

    const client = () => createDelugeDownloader({ url: daemon.url, password: daemon.password });
    const unique = (label: string) => `Deluge.${label}.${randomBytes(4).toString('hex')}`;
    async function find(hash: string, downloader = client()): Promise<DownloadItem | undefined> {
      const items = await downloader.listItems();
      for (const item of items) downloadItemSchema.parse(item);
      return items.find((item) => item.clientId === hash);
    }

    it('says its version', async () => {
      expect((await client().testConnection()).version).toMatch(/^2\.\d+\.\d+/);
    });

    it('reports a download with no peer at all as stalled, with no eta', async () => {
      const torrent = makeTorrent({ name: unique('stalled'), sizeBytes: 300_000 });
      const { hash } = await daemon.addTorrent({ torrent: torrent.torrent });
      await expect.poll(async () => (await find(hash))?.state, SETTLE).toBe('stalled');
      expect(await find(hash)).toMatchObject({
        category: null,
        progress: 0,
        remainingBytes: 300_000,
        etaSeconds: null,
        error: null,
        completedAt: null,
      });
    });

    it('reports a magnet that has no metadata yet as metadata', async () => {
      const hash = randomBytes(20).toString('hex');
      await daemon.rpc('core.add_torrent_magnet', [`magnet:?xt=urn:btih:${hash}&dn=${unique('magnet')}`, {}]);
      await expect.poll(async () => (await find(hash))?.state, SETTLE).toBe('metadata');
    });

    it('keeps a finished torrent completed when it is paused', async () => {
      const torrent = makeTorrent({
        name: unique('paused-done'),
        sizeBytes: 300_000,
        writeTo: daemon.downloadDir,
      });
      const { hash } = await daemon.addTorrent({ torrent: torrent.torrent, label: 'radarr' });
      await expect.poll(async () => (await find(hash))?.state, SETTLE).toBe('completed');
      await daemon.rpc('core.pause_torrent', [hash]);
      const rawState = async () =>
        (await daemon.rpc<{ state?: string }>('web.get_torrent_status', [hash, ['state']])).state;
      await expect.poll(rawState, SETTLE).toBe('Paused');
      expect(await find(hash)).toMatchObject({ state: 'completed', progress: 1, remainingBytes: 0 });
      expect((await find(hash))?.completedAt).not.toBeNull();
    });

    it('reconnects Deluge Web after deluged restarts, and reports data lost meanwhile as missing_files', async () => {
      const torrent = makeTorrent({ name: unique('lost'), sizeBytes: 300_000, writeTo: daemon.downloadDir });
      const { hash } = await daemon.addTorrent({ torrent: torrent.torrent, label: 'sonarr' });
      const downloader = client();
      await expect.poll(async () => (await find(hash, downloader))?.state, SETTLE).toBe('completed');

      await daemon.restartDaemon({ whileStopped: () => rmSync(join(daemon.downloadDir, torrent.name)) });
      expect(await daemon.rpc('web.connected', [])).toBe(false);

      await expect.poll(async () => (await find(hash, downloader))?.state, SETTLE).toBe('missing_files');
      expect(await find(hash, downloader)).toMatchObject({
        category: 'sonarr',
        error: 'Missing or invalid torrent data!',
        sizeBytes: 300_000,
      });
      expect(await daemon.rpc('web.connected', [])).toBe(true);
    });
  });
});
