/**
 * The qBittorrent fake for the poll benchmark, in its own process: `TORRENTS` torrents of which the
 * first `ACTIVE` are downloading; on `advance` those move on as they would between two polls.
 */
import { startQbittorrentFake } from '../src/integrations/qbittorrent/qbittorrent.fake.js';

export type FakeCommand =
  | { kind: 'start' }
  | { kind: 'advance'; step: number }
  | { kind: 'resetTraffic' }
  | { kind: 'traffic' };
export type FakeAnswer =
  | { url: string }
  | { ok: true }
  | { traffic: Record<string, { requests: number; bytes: number }> };

const [torrents = '5000', activeCount = '20'] = process.argv.slice(2);
const fake = await startQbittorrentFake({ username: 'admin', password: 'adminadmin' });
const active: string[] = [];
for (let i = 0; i < Number(torrents); i++) {
  const downloading = i < Number(activeCount);
  const torrent = fake.addTorrent({
    name: `Some.Show.S${String(1 + (i % 12)).padStart(2, '0')}E${String(i % 24).padStart(2, '0')}.1080p.WEB.h264-GRP.${i}`,
    sizeBytes: 700_000_000 + i * 1_000,
    progress: downloading ? 0.01 : 1,
    category: i % 3 === 0 ? 'radarr' : 'tv-sonarr',
    ...(downloading ? { dlspeed: 2_000_000 } : {}),
  });
  if (downloading) active.push(torrent.hash);
}

process.on('message', (command: FakeCommand) => {
  const reply = (answer: FakeAnswer) => process.send?.(answer);
  if (command.kind === 'start') reply({ url: fake.url });
  if (command.kind === 'resetTraffic') {
    fake.resetTraffic();
    reply({ ok: true });
  }
  if (command.kind === 'traffic') reply({ traffic: fake.traffic() });
  if (command.kind === 'advance') {
    for (const [i, hash] of active.entries()) {
      fake.updateTorrent(hash, {
        progress: Math.min(0.99, 0.01 + command.step * 0.01 + i * 0.001),
        dlspeed: 1_500_000 + ((command.step * 7919 + i * 104_729) % 1_000_000),
        eta: 600 - command.step,
        num_seeds: 5 + (command.step % 3),
      });
    }
    reply({ ok: true });
  }
});
process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
