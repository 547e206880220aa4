/**
 * Issue 3's end-to-end proof: a real BitTorrent transfer over loopback between qBittorrent and
 * Transmission, rate-limited so it is seen in progress, while the tracker (fed the matching Radarr
 * Grab webhook) polls the downloading client. The request must show its progress rising from 0 to 1
 * and its state moving grabbing → downloading → downloaded. qBittorrent always dials out: Transmission
 * 3.00 never connects to 127.x peers itself (real-clients.md).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createQbittorrentDownloader } from '../src/integrations/qbittorrent/qbittorrent.client.js';
import { radarrGrab } from '../src/integrations/radarr/radarr.fake.js';
import { describeWithBinaries } from './support/daemons/daemon-process.js';
import { type QbittorrentDaemon, startQbittorrentDaemon } from './support/daemons/qbittorrent.daemon.js';
import { makeTorrent, type TestTorrent } from './support/daemons/torrents.js';
import { startTransmissionDaemon, type TransmissionDaemon } from './support/daemons/transmission.daemon.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SIZE = 3 * 1024 * 1024;
const TRANSFER_TIMEOUT_MS = 100_000;

interface Seen {
  state: string;
  progress: number | null;
}

describeWithBinaries(
  ['qbittorrent-nox', 'transmission-daemon'],
  'Real transfer followed by the tracker',
  () => {
    let qb: QbittorrentDaemon;
    let tr: TransmissionDaemon;
    let t: TestApp;

    beforeAll(async () => {
      [qb, tr] = await Promise.all([startQbittorrentDaemon(), startTransmissionDaemon()]);
      t = await startTestApp({
        QBITTORRENT_URL: qb.url,
        QBITTORRENT_USERNAME: qb.username,
        QBITTORRENT_PASSWORD: qb.password,
        TRANSMISSION_URL: tr.url,
        TRANSMISSION_USERNAME: tr.username,
        TRANSMISSION_PASSWORD: tr.password,
        POLL_INTERVAL_SECONDS: '0.25',
      });
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await Promise.all([qb?.stop(), tr?.stop()]);
    });

    /** Sends the Grab for `torrent` and records the request as the API shows it until it is downloaded. */
    async function grabAndFollow(input: {
      torrent: TestTorrent;
      client: 'qBittorrent' | 'Transmission';
      startDownload: () => Promise<void>;
    }): Promise<Seen[]> {
      const n = Number.parseInt(input.torrent.hash.slice(0, 6), 16);
      await t.hooks([
        [
          'radarr',
          radarrGrab({
            movieId: n,
            tmdbId: 100_000 + n,
            title: `Transfer ${input.client} ${n}`,
            year: 2024,
            downloadId: input.torrent.hash.toUpperCase(),
            downloadClient: input.client,
            downloadClientType: input.client,
            size: input.torrent.sizeBytes,
          }),
        ],
      ]);
      const find = async () =>
        (await t.list(`q=${encodeURIComponent(`Transfer ${input.client} ${n}`)}`)).items[0] as
          | Seen
          | undefined;
      const seen: Seen[] = [];
      const first = await find();
      if (first) seen.push({ state: first.state, progress: first.progress });
      // qBittorrent connects to the other side, again every few seconds until bytes flow.
      const dial = setInterval(() => {
        void qb
          .addPeer({ hash: input.torrent.hash, peer: `127.0.0.1:${tr.peerPort}` })
          .catch(() => undefined);
      }, 3_000);
      try {
        await input.startDownload();
        const deadline = Date.now() + TRANSFER_TIMEOUT_MS;
        while (Date.now() < deadline) {
          const now = await find();
          const last = seen[seen.length - 1];
          if (now && (now.state !== last?.state || now.progress !== last?.progress)) {
            seen.push({ state: now.state, progress: now.progress });
          }
          if (now?.state === 'downloaded') break;
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
      } finally {
        clearInterval(dial);
      }
      return seen;
    }

    function expectJourney(seen: Seen[]): void {
      const states = seen.map((s) => s.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);
      expect(states).toEqual(['grabbing', 'downloading', 'downloaded']);
      const progress = seen.map((s) => s.progress ?? 0);
      for (let i = 1; i < progress.length; i++)
        expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] ?? 0);
      expect(progress[0]).toBe(0);
      expect(progress[progress.length - 1]).toBe(1);
      // Seen in between, not only at the ends: the rate limit keeps the transfer visible for seconds.
      expect(progress.filter((p) => p > 0 && p < 1).length).toBeGreaterThanOrEqual(2);
    }

    it(
      'qBittorrent downloading from Transmission',
      async () => {
        const torrent = makeTorrent({
          name: `Transfer.A.${randomBytes(4).toString('hex')}.mkv`,
          sizeBytes: SIZE,
          writeTo: tr.downloadDir,
        });
        await tr.addTorrent({ torrent: torrent.torrent });
        await expect
          .poll(async () => (await tr.get({ hash: torrent.hash })).status, { timeout: 20_000 })
          .toBe(6);
        const seen = await grabAndFollow({
          torrent,
          client: 'qBittorrent',
          startDownload: () =>
            qb.addTorrent({
              torrent: torrent.torrent,
              category: 'radarr',
              downloadLimitBytesPerSecond: 400_000,
            }),
        });
        expectJourney(seen);
        const detail = await t.detail(
          (await t.list(`q=${encodeURIComponent('Transfer qBittorrent')}`)).items[0]!.id,
        );
        expect(detail.downloads[0]).toMatchObject({
          downloadId: torrent.hash.toUpperCase(),
          state: 'completed',
          sizeBytes: SIZE,
        });
      },
      TRANSFER_TIMEOUT_MS + 30_000,
    );

    it(
      'Transmission downloading from qBittorrent',
      async () => {
        const torrent = makeTorrent({
          name: `Transfer.B.${randomBytes(4).toString('hex')}.mkv`,
          sizeBytes: SIZE,
          writeTo: qb.downloadDir,
        });
        await qb.addTorrent({ torrent: torrent.torrent, category: 'seed' });
        const seeder = createQbittorrentDownloader({
          url: qb.url,
          username: qb.username,
          password: qb.password,
        });
        await expect
          .poll(async () => (await seeder.listItems()).find((i) => i.clientId === torrent.hash)?.state, {
            timeout: 30_000,
          })
          .toBe('completed');
        const seen = await grabAndFollow({
          torrent,
          client: 'Transmission',
          startDownload: async () => {
            await tr.addTorrent({ torrent: torrent.torrent, label: 'radarr', downloadLimitKBps: 400 });
          },
        });
        expectJourney(seen);
      },
      TRANSFER_TIMEOUT_MS + 30_000,
    );
  },
);
