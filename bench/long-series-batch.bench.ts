/**
 * One batch of history for a long series (a reconcile after downtime, a backfill): N episodes, each
 * grabbed and imported, ingested at once into one request. Every observation re-derives the request
 * from all its observations, so the cost grows faster than N; this measures by how much.
 */
import pino from 'pino';
import { createApp } from '../src/app.js';
import { createFakeClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { Observation } from '../src/domain/observations.js';

const SIZES = [100, 250, 500];

const config = loadConfig({
  DATA_DIR: '/tmp/status-tracker-bench-batch',
  API_KEY: 'bench-api-key-0123456789',
  WEBHOOK_TOKEN: 'bench-webhook-token-0123',
  LOG_LEVEL: 'silent',
});
const app = await createApp(config, {
  clock: createFakeClock('2026-03-01T12:00:00Z'),
  databaseFile: ':memory:',
  logger: pino({ level: 'silent' }),
});

for (const n of SIZES) {
  const media = {
    mediaType: 'tv' as const,
    tvdbId: 80_000 + n,
    title: `Long Series ${n}`,
    year: 1999,
    arr: { app: 'sonarr' as const, instance: 'Sonarr', id: n },
  };
  const observations: Observation[] = [];
  for (let i = 1; i <= n; i++) {
    const download = { id: `${n}x${i}`.padEnd(40, '0').toUpperCase() };
    const episodes = [{ seasonNumber: 1, episodeNumber: i }];
    const base = { source: 'sonarr' as const, media, episodes, download };
    observations.push({ ...base, kind: 'grabbed', at: '2026-03-01T12:00:00Z' });
    observations.push({
      ...base,
      kind: 'imported',
      isUpgrade: false,
      at: '2026-03-01T12:01:00Z',
      files: [{ path: `/tv/Long Series/S01E${String(i).padStart(3, '0')}.mkv` }],
    });
  }
  const started = performance.now();
  app.tracker.ingest(observations);
  const ms = Math.round(performance.now() - started);
  console.log(`${n} episodes (${observations.length} observations) in one batch: ${ms} ms`);
}
await app.close();
