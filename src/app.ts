import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { type Db, openDatabase } from './db/database.js';
import { buildServer } from './http/server.js';
import type { ResilienceOptions } from './integrations/shared/service-http.js';
import { webhookParsers } from './integrations/webhook-parsers.js';
import { type RunningJob, startJob } from './jobs/job-runner.js';
import { createPollDownloadsJob } from './jobs/poll-downloads.job.js';
import { createSecretBox } from './services/secret-box.js';
import { createServiceStore } from './services/service.store.js';
import { createServiceConnections, type ServiceConnections } from './services/service-connections.js';
import { createServiceDirectory, type ServiceDirectory } from './services/service-directory.js';
import { createDownloadQueries } from './tracker/download-queries.js';
import { createEventBus, type EventBus } from './tracker/event-bus.js';
import { createHealthReport } from './tracker/health.js';
import { createInbox } from './tracker/inbox.js';
import { createInboxWorker, type InboxWorker } from './tracker/inbox-worker.js';
import { createRequestQueries } from './tracker/request-queries.js';
import { createTracker, type Tracker } from './tracker/tracker.js';

export const VERSION = '0.1.0';

export interface App {
  server: FastifyInstance;
  db: Db;
  bus: EventBus;
  tracker: Tracker;
  worker: InboxWorker;
  logger: Logger;
  directory: ServiceDirectory;
  connections: ServiceConnections;
  pollDownloads: RunningJob & { lastCycle(): { polled: string[]; observations: number } };
  close(): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** Database file; defaults to DATA_DIR/status-tracker.db. `:memory:` for tests. */
  databaseFile?: string;
  heartbeatMs?: number;
  /** Timeouts, retries and breaker of outgoing calls (tests use small ones). */
  resilience?: ResilienceOptions;
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
  const directory = createServiceDirectory({
    config,
    store: createServiceStore(db),
    box: createSecretBox(config.SECRETS_KEY),
    clock,
  });
  const connections = createServiceConnections({ directory, resilience: options.resilience });
  const pollJob = createPollDownloadsJob({
    connections,
    downloads: createDownloadQueries({ db }),
    tracker,
    clock,
    logger,
    activeIntervalMs: config.POLL_INTERVAL_SECONDS * 1000,
    // Nothing on its way: a slow look for completed downloads no request knows (desync check).
    idleIntervalMs: Math.max(60_000, config.POLL_INTERVAL_SECONDS * 12_000),
  });
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
      health: createHealthReport({
        queries,
        inbox,
        clock,
        instances: () =>
          connections.all().map(({ instance, connection }) => ({
            id: instance.id,
            name: instance.name,
            kind: instance.kind,
            status: connection.status(),
          })),
      }),
      apiKey: config.API_KEY,
    },
    events: { bus, queries, apiKey: config.API_KEY, heartbeatMs: options.heartbeatMs ?? 15_000 },
    services: { directory, connections, apiKey: config.API_KEY, resilience: options.resilience },
  });
  const running = startJob({ job: pollJob, logger });
  const pollDownloads = Object.assign(running, { lastCycle: pollJob.lastCycle });
  // A new grab or a new client: poll now rather than at the idle pace.
  const unsubscribe = bus.subscribe((event) => {
    const state = (event.data as { state?: string }).state;
    if (event.name === 'request' && (state === 'grabbing' || state === 'downloading')) running.wake();
  });
  directory.onChange(() => running.wake());
  // Rows stored before a crash or restart are applied now.
  worker.kick();
  return {
    server,
    db,
    bus,
    tracker,
    worker,
    logger,
    directory,
    connections,
    pollDownloads,
    async close() {
      unsubscribe();
      await running.stop();
      worker.stop();
      await server.close();
      db.$client.close();
    },
  };
}
