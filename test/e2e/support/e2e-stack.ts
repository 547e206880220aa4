/**
 * The real tracker on a real port with contract fakes behind it, for a real browser: Radarr and Sonarr
 * (API fakes in the official specs' shapes), qBittorrent and Jellyfin. Webhooks reach it over HTTP
 * like a media stack's; the browser signs in like a person.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type App, createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import {
  type JellyfinApiFake,
  startJellyfinApiFake,
} from '../../../src/integrations/jellyfin/jellyfin-api.fake.js';
import {
  type QbittorrentFake,
  startQbittorrentFake,
} from '../../../src/integrations/qbittorrent/qbittorrent.fake.js';
import { type RadarrApiFake, startRadarrApiFake } from '../../../src/integrations/radarr/radarr-api.fake.js';
import { type SonarrApiFake, startSonarrApiFake } from '../../../src/integrations/sonarr/sonarr-api.fake.js';
import { API_KEY, TEST_RESILIENCE, WEBHOOK_TOKEN } from '../../support/test-app.js';

export const ADMIN_PASSWORD = 'e2e-admin-password';

export interface E2eStack {
  url: string;
  app: App;
  radarr: RadarrApiFake;
  sonarr: SonarrApiFake;
  qb: QbittorrentFake;
  jellyfin: JellyfinApiFake;
  /** Posts a webhook over HTTP with the token, as the app would. */
  hook(source: string, body: unknown): Promise<void>;
  /** Any API call with the API key. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers and assert on them
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startE2eStack(env: Record<string, string> = {}): Promise<E2eStack> {
  const radarr = await startRadarrApiFake({ apiKey: 'radarr-key' });
  const sonarr = await startSonarrApiFake({ apiKey: 'sonarr-key' });
  const qb = await startQbittorrentFake({ username: 'admin', password: 'adminadmin' });
  const jellyfin = await startJellyfinApiFake({ apiKey: 'jf-key' });
  const dataDir = mkdtempSync(join(tmpdir(), 'status-tracker-e2e-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    API_KEY,
    WEBHOOK_TOKEN,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'silent',
    RADARR_URL: radarr.url,
    RADARR_API_KEY: 'radarr-key',
    SONARR_URL: sonarr.url,
    SONARR_API_KEY: 'sonarr-key',
    QBITTORRENT_URL: qb.url,
    QBITTORRENT_USERNAME: 'admin',
    QBITTORRENT_PASSWORD: 'adminadmin',
    JELLYFIN_URL: jellyfin.url,
    JELLYFIN_API_KEY: 'jf-key',
    POLL_INTERVAL_SECONDS: '0.3',
    VERIFY_INTERVAL_SECONDS: '1',
    RECONCILE_INTERVAL_SECONDS: '3600',
    ...env,
  });
  const app = await createApp(config, {
    databaseFile: ':memory:',
    logger: pino({ level: 'silent' }),
    heartbeatMs: 1_000,
    resilience: TEST_RESILIENCE,
  });
  const address = await app.server.listen({ port: 0, host: '127.0.0.1' });

  async function api(method: string, path: string, body?: unknown) {
    const res = await fetch(`${address}${path}`, {
      method,
      headers: {
        'x-api-key': API_KEY,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  }

  return {
    url: address,
    app,
    radarr,
    sonarr,
    qb,
    jellyfin,
    async hook(source, body) {
      const res = await fetch(`${address}/hooks/${source}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`webhook ${source} answered ${res.status}: ${await res.text()}`);
      await app.worker.idle();
    },
    api,
    async close() {
      await app.close();
      await Promise.all([radarr.close(), sonarr.close(), qb.close(), jellyfin.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
