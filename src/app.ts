import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { type Db, openDatabase } from './db/database.js';
import { buildServer } from './http/server.js';
import { webhookParsers } from './integrations/webhook-parsers.js';
import { createEventBus, type EventBus } from './tracker/event-bus.js';
import { createHealthReport } from './tracker/health.js';
import { createInbox } from './tracker/inbox.js';
import { createInboxWorker, type InboxWorker } from './tracker/inbox-worker.js';
import { createRequestQueries } from './tracker/request-queries.js';
import { createTracker, type Tracker } from './tracker/tracker.js';

export const VERSION = '0.1.0';

const SERVICE_NAMES: Array<[keyof Config, string, string]> = [
  ['JELLYSEERR_URL', 'jellyseerr', 'Jellyseerr'],
  ['RADARR_URL', 'radarr', 'Radarr'],
  ['SONARR_URL', 'sonarr', 'Sonarr'],
  ['JELLYFIN_URL', 'jellyfin', 'Jellyfin'],
  ['QBITTORRENT_URL', 'qbittorrent', 'qBittorrent'],
  ['TRANSMISSION_URL', 'transmission', 'Transmission'],
  ['SABNZBD_URL', 'sabnzbd', 'SABnzbd'],
  ['NZBGET_URL', 'nzbget', 'NZBGet'],
  ['DELUGE_URL', 'deluge', 'Deluge'],
  ['SHOKO_URL', 'shoko', 'Shoko'],
];

export interface App {
  server: FastifyInstance;
  db: Db;
  bus: EventBus;
  tracker: Tracker;
  worker: InboxWorker;
  logger: Logger;
  close(): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** Database file; defaults to DATA_DIR/status-tracker.db. `:memory:` for tests. */
  databaseFile?: string;
  heartbeatMs?: number;
}

/** The composition root: every dependency built here by hand and passed down as plain objects. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const logger =
    options.logger ??
    pino({ level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers["x-api-key"]'] });
  const db = openDatabase({ file: options.databaseFile ?? `${config.DATA_DIR}/status-tracker.db` });
  const bus = createEventBus();
  const tracker = createTracker({ db, bus, clock, trustAvailableHint: !config.JELLYFIN_URL });
  const inbox = createInbox({ db, clock });
  const worker = createInboxWorker({ db, inbox, tracker, parsers: webhookParsers, bus, logger });
  const queries = createRequestQueries({ db });
  const configuredServices = SERVICE_NAMES.filter(([key]) => Boolean(config[key])).map(([, kind, name]) => ({
    kind,
    name,
  }));
  const server = await buildServer({
    logger,
    version: VERSION,
    hooks: {
      inbox,
      worker,
      parsers: webhookParsers,
      clock,
      webhookToken: config.WEBHOOK_TOKEN,
      apiKey: config.API_KEY,
    },
    api: {
      queries,
      health: createHealthReport({ queries, inbox, clock, configuredServices }),
      apiKey: config.API_KEY,
    },
    events: { bus, queries, apiKey: config.API_KEY, heartbeatMs: options.heartbeatMs ?? 15_000 },
  });
  // Rows stored before a crash or restart are applied now.
  worker.kick();
  return {
    server,
    db,
    bus,
    tracker,
    worker,
    logger,
    async close() {
      worker.stop();
      await server.close();
      db.$client.close();
    },
  };
}
