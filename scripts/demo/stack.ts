/**
 * The demo's media stack: the project's own contract fakes of Jellyseerr, Radarr, Sonarr,
 * qBittorrent, Jellyfin and Shoko on free loopback ports, and the real tracker (`createApp`) pointed
 * at them through the same environment variables a real install uses. Nothing here plays requests:
 * that is scenarios.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type App, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import {
  type JellyfinApiFake,
  startJellyfinApiFake,
} from '../../src/integrations/jellyfin/jellyfin-api.fake.js';
import {
  type JellyseerrApiFake,
  startJellyseerrApiFake,
} from '../../src/integrations/jellyseerr/jellyseerr-api.fake.js';
import {
  type QbittorrentFake,
  startQbittorrentFake,
} from '../../src/integrations/qbittorrent/qbittorrent.fake.js';
import { type RadarrApiFake, startRadarrApiFake } from '../../src/integrations/radarr/radarr-api.fake.js';
import { type ShokoFake, startShokoFake } from '../../src/integrations/shoko/shoko.fake.js';
import { type SonarrApiFake, startSonarrApiFake } from '../../src/integrations/sonarr/sonarr-api.fake.js';
import type { RequestSummary } from '../../src/tracker/request-views.js';

/** Fixed so the printed instructions stay the same from one run to the next; the demo is local only. */
const DEMO_API_KEY = 'demo-api-key-not-a-secret';
const DEMO_WEBHOOK_TOKEN = 'demo-webhook-token-not-a-secret';
const DEMO_ADMIN_PASSWORD = 'demo-admin';
/** A Jellyfin user of the simulated Jellyfin, for the "sign in with Jellyfin" path. */
export const DEMO_JELLYFIN_USER = { name: 'demo', password: 'demo' };

const KEYS = {
  jellyseerr: 'demo-jellyseerr-key',
  radarr: 'demo-radarr-key',
  sonarr: 'demo-sonarr-key',
  jellyfin: 'demo-jellyfin-key',
  shoko: 'demo-shoko-key',
  qbittorrent: { username: 'admin', password: 'demo-qbittorrent' },
};

/** Shoko's import folders as Shoko sees them (its own mount of the anime library). */
export const SHOKO_FOLDERS = { movies: 1, tv: 2 } as const;

export interface DemoStackOptions {
  /**
   * How much faster than real time the demo world runs (default 1). The tracker's intervals and the
   * stalled threshold are divided by it, so a test at speed 10 sees the same story in a tenth of the time.
   */
  speed?: number;
  /** The tracker's port; taken → any free port. Default 8100; 0 for any free port. */
  port?: number;
  /** Default 127.0.0.1: the demo is for this machine. */
  host?: string;
  /** The tracker's log level (default `warn`: the console is for the instructions). */
  logLevel?: string;
}

export interface DemoFakes {
  jellyseerr: JellyseerrApiFake;
  radarr: RadarrApiFake;
  sonarr: SonarrApiFake;
  qbittorrent: QbittorrentFake;
  jellyfin: JellyfinApiFake;
  shoko: ShokoFake;
}

export interface DemoStack {
  /** The tracker, as a browser should open it. */
  url: string;
  apiKey: string;
  webhookToken: string;
  adminPassword: string;
  speed: number;
  app: App;
  fakes: DemoFakes;
  /** Posts a webhook to the tracker over HTTP with the token, as the service would. */
  hook(source: 'jellyseerr' | 'radarr' | 'sonarr' | 'jellyfin', body: unknown): Promise<void>;
  /** `GET /api/requests` with the API key. */
  requests(query?: string): Promise<{ items: RequestSummary[]; total: number }>;
  /** Stops the tracker and the fakes and deletes the data directory. */
  close(): Promise<void>;
}

/** `preferred` when nothing listens there, else a port the system hands out. */
async function freePort(preferred: number, host: string): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(null) : reject(error),
      );
      probe.listen(port, host, () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : null));
      });
    });
  const port = (preferred !== 0 ? await tryListen(preferred) : null) ?? (await tryListen(0));
  if (port === null) throw new Error(`no free port on ${host}`);
  return port;
}

export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new Error(`speed must be more than 0, got ${speed}`);
  const host = options.host ?? '127.0.0.1';
  const started: Array<{ close(): Promise<void> }> = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'status-tracker-demo-'));
  try {
    const jellyseerr = await startJellyseerrApiFake({ apiKey: KEYS.jellyseerr });
    started.push(jellyseerr);
    const radarr = await startRadarrApiFake({ apiKey: KEYS.radarr });
    started.push(radarr);
    const sonarr = await startSonarrApiFake({ apiKey: KEYS.sonarr });
    started.push(sonarr);
    const qbittorrent = await startQbittorrentFake(KEYS.qbittorrent);
    started.push(qbittorrent);
    const jellyfin = await startJellyfinApiFake({
      apiKey: KEYS.jellyfin,
      serverName: 'Demo Jellyfin',
      users: [{ ...DEMO_JELLYFIN_USER, isAdmin: true }],
    });
    started.push(jellyfin);
    const shoko = await startShokoFake({
      apiKey: KEYS.shoko,
      folders: { [SHOKO_FOLDERS.movies]: '/mnt/anime/movies', [SHOKO_FOLDERS.tv]: '/mnt/anime/tv' },
    });
    started.push(shoko);

    const port = await freePort(options.port ?? 8100, host);
    const config = loadConfig({
      PORT: String(port),
      HOST: host,
      DATA_DIR: dataDir,
      API_KEY: DEMO_API_KEY,
      WEBHOOK_TOKEN: DEMO_WEBHOOK_TOKEN,
      ADMIN_PASSWORD: DEMO_ADMIN_PASSWORD,
      LOG_LEVEL: options.logLevel ?? 'warn',
      JELLYSEERR_URL: jellyseerr.url,
      JELLYSEERR_API_KEY: KEYS.jellyseerr,
      RADARR_URL: radarr.url,
      RADARR_API_KEY: KEYS.radarr,
      SONARR_URL: sonarr.url,
      SONARR_API_KEY: KEYS.sonarr,
      QBITTORRENT_URL: qbittorrent.url,
      QBITTORRENT_USERNAME: KEYS.qbittorrent.username,
      QBITTORRENT_PASSWORD: KEYS.qbittorrent.password,
      JELLYFIN_URL: jellyfin.url,
      JELLYFIN_API_KEY: KEYS.jellyfin,
      SHOKO_URL: shoko.url,
      SHOKO_API_KEY: KEYS.shoko,
      POLL_INTERVAL_SECONDS: String(1 / speed),
      VERIFY_INTERVAL_SECONDS: String(3 / speed),
      RECONCILE_INTERVAL_SECONDS: String(10 / speed),
      // Half a minute, so the stalled download's problem shows while someone watches.
      STUCK_STALLED_MINUTES: String(0.5 / speed),
    });
    const app = await createApp(config, {
      logger: pino({ level: config.LOG_LEVEL }),
      // Live events a little more often than in production, so the board's "live" mark settles fast.
      heartbeatMs: 5_000,
    });
    started.push(app);
    await app.server.listen({ port, host });
    const address = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    // Time-based problems are reviewed once a minute in production; the demo's thresholds are
    // seconds, so it asks for a review every few demo seconds.
    const review = setInterval(() => app.reviewRequests.wake(), 5_000 / speed);
    review.unref();

    let closed = false;
    return {
      url: `http://${host === '127.0.0.1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`,
      apiKey: DEMO_API_KEY,
      webhookToken: DEMO_WEBHOOK_TOKEN,
      adminPassword: DEMO_ADMIN_PASSWORD,
      speed,
      app,
      fakes: { jellyseerr, radarr, sonarr, qbittorrent, jellyfin, shoko },
      async hook(source, body) {
        const res = await fetch(`${address}/hooks/${source}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${DEMO_WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (res.status >= 300)
          throw new Error(`webhook ${source} answered ${res.status}: ${await res.text()}`);
      },
      async requests(query = 'limit=200') {
        const res = await fetch(`${address}/api/requests?${query}`, {
          headers: { 'x-api-key': DEMO_API_KEY },
        });
        if (res.status !== 200)
          throw new Error(`GET /api/requests answered ${res.status}: ${await res.text()}`);
        return (await res.json()) as { items: RequestSummary[]; total: number };
      },
      async close() {
        if (closed) return;
        closed = true;
        clearInterval(review);
        // Webhooks already answered are applied before the database closes.
        await app.worker.idle();
        await closeAll(started);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await closeAll(started);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The tracker first (it talks to the fakes), then the fakes. */
async function closeAll(started: Array<{ close(): Promise<void> }>): Promise<void> {
  for (const service of started.reverse()) await service.close();
}

/** Polls `GET /api/requests` until `check` holds for the list, for tests and screenshots. */
export async function waitForRequests(
  stack: DemoStack,
  check: (items: RequestSummary[]) => boolean,
  { timeoutMs = 30_000, intervalMs = 200 } = {},
): Promise<RequestSummary[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { items } = await stack.requests();
    if (check(items)) return items;
    if (Date.now() > deadline) {
      const seen = items.map((r) => `${r.title}: ${r.state}${r.problem ? ` (${r.problem.code})` : ''}`);
      throw new Error(`timed out after ${timeoutMs} ms; the board shows:\n  ${seen.join('\n  ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
