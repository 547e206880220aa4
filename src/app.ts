import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { createActionExecutor, createActionPlanner, downloadToRemove } from './actions/action-plans.js';
import { type Actions, createActions } from './actions/actions.js';
import { createOutbox } from './actions/outbox.js';
import { mayRemoveUnasked } from './actions/removal-guard.js';
import { createSessionStore } from './auth/sessions.js';
import { createSignIn, jellyfinDeviceId } from './auth/sign-in.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { type Db, openDatabase } from './db/database.js';
import { downloadKey } from './domain/observations.js';
import type { Outage } from './domain/stuck.js';
import { DEFAULT_LOGIN_RATE_LIMIT, type LoginRateLimit } from './http/auth.routes.js';
import { buildServer } from './http/server.js';
import type { ResilienceOptions } from './integrations/shared/service-http.js';
import { webhookParsers } from './integrations/webhook-parsers.js';
import { createHousekeepingJob } from './jobs/housekeeping.job.js';
import { type RunningJob, startJob } from './jobs/job-runner.js';
import { createPollDownloadsJob } from './jobs/poll-downloads.job.js';
import { createReconcileJob } from './jobs/reconcile.job.js';
import type { ArrInstance } from './jobs/reconcile-arr.js';
import { createReviewRequestsJob } from './jobs/review-requests.job.js';
import { createRunOutboxJob } from './jobs/run-outbox.job.js';
import { createShokoWiring, type ShokoWiring } from './jobs/shoko-wiring.js';
import { createVerifyLibraryJob } from './jobs/verify-library.job.js';
import { currentOutages } from './services/outages.js';
import { createSecretBox } from './services/secret-box.js';
import { createServiceStore } from './services/service.store.js';
import { createServiceConnections, type ServiceConnections } from './services/service-connections.js';
import { createServiceDirectory, type ServiceDirectory } from './services/service-directory.js';
import { createDownloadQueries } from './tracker/download-queries.js';
import { createEventBus, type EventBus } from './tracker/event-bus.js';
import { createHealthReport } from './tracker/health.js';
import { createInbox } from './tracker/inbox.js';
import { createInboxWorker, type InboxWorker } from './tracker/inbox-worker.js';
import { createJobState } from './tracker/job-state.js';
import { createLibraryQueries } from './tracker/library-queries.js';
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
  /** `runOnce` runs a verify cycle now (tests); the loop runs every VERIFY_INTERVAL_SECONDS. */
  verifyLibrary: RunningJob & { runOnce(): Promise<number>; lastCycle(): { checked: number; found: number } };
  /** Derives open requests again with the current time (time-based problems), once a minute. */
  reviewRequests: RunningJob & {
    runOnce(): Promise<number>;
    lastCycle(): { reviewed: number; changed: number };
  };
  /** Reads back what webhooks missed (Jellyseerr backfill), every RECONCILE_INTERVAL_SECONDS. */
  reconcile: RunningJob & {
    runOnce(): Promise<number>;
    lastCycle(): { jellyseerrRequests: number; observations: number };
  };
  /** Empties the raw bodies of webhooks applied INBOX_RETENTION_DAYS ago, hourly. */
  housekeeping: RunningJob & { runOnce(): Promise<number>; lastPruned(): number };
  /** Sends the outbox's commands (every 5 s, and at once when one is queued). */
  runOutbox: RunningJob & { runOnce(): Promise<number> };
  actions: Actions;
  shoko: ShokoWiring;
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
  /** The built web UI; `dist/web` by default (the same path from `src/` and from `dist/`). */
  webRoot?: string;
  /** Sign-in attempts per client IP: 10 per 5 minutes by default (tests use fewer). */
  loginRateLimit?: LoginRateLimit;
}

/** The composition root: every dependency built here by hand and passed down as plain objects. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const logger =
    options.logger ??
    pino({ level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers["x-api-key"]'] });
  const db = openDatabase({ file: options.databaseFile ?? `${config.DATA_DIR}/status-tracker.db` });
  const bus = createEventBus();
  // Filled in below: whether a Jellyfin is configured decides how Jellyseerr's "available" counts.
  let jellyfinConfigured = (): boolean => Boolean(config.JELLYFIN_URL);
  let outages = (): ReadonlySet<Outage> => new Set();
  const tracker = createTracker({
    db,
    bus,
    clock,
    trustAvailableHint: () => !jellyfinConfigured(),
    thresholds: {
      noReleaseMinutes: config.STUCK_NO_RELEASE_MINUTES,
      stalledMinutes: config.STUCK_STALLED_MINUTES,
      metadataMinutes: config.STUCK_METADATA_MINUTES,
      notImportedMinutes: config.STUCK_NOT_IMPORTED_MINUTES,
      notInLibraryMinutes: config.STUCK_NOT_IN_LIBRARY_MINUTES,
      animeMatchMinutes: config.STUCK_ANIME_MATCH_MINUTES,
      slowMinutes: config.STUCK_SLOW_MINUTES ?? null,
    },
    outages: () => outages(),
  });
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
  jellyfinConfigured = () => connections.all().some((c) => c.jellyfin !== null);
  outages = () => currentOutages(connections.all());
  const downloadQueries = createDownloadQueries({ db });
  const pollJob = createPollDownloadsJob({
    connections,
    downloads: downloadQueries,
    tracker,
    clock,
    logger,
    activeIntervalMs: config.POLL_INTERVAL_SECONDS * 1000,
    // Nothing on its way: a slow look for completed downloads no request knows (desync check).
    idleIntervalMs: Math.max(60_000, config.POLL_INTERVAL_SECONDS * 12_000),
  });
  const libraryQueries = createLibraryQueries({ db });
  const shoko = createShokoWiring({
    connections,
    library: libraryQueries,
    tracker,
    clock,
    logger,
    resilience: options.resilience,
  });
  const verifyJob = createVerifyLibraryJob({
    jellyfins: () =>
      connections.all().flatMap((c) => (c.jellyfin ? [{ name: c.instance.name, ...c.jellyfin }] : [])),
    library: libraryQueries,
    tracker,
    clock,
    logger,
    intervalMs: config.VERIFY_INTERVAL_SECONDS * 1000,
    anime: shoko.matcher,
  });
  const outbox = createOutbox({ db, clock });
  const removalPolicy = {
    protectTag: config.PROTECT_TAG,
    privateIndexers: config.PRIVATE_INDEXERS,
    removePrivate: config.REMOVE_PRIVATE_AUTOMATICALLY,
  };
  let outboxRunning: RunningJob | null = null;
  const actions = createActions({
    outbox,
    planner: createActionPlanner({ connections, clock }),
    library: libraryQueries,
    tracker,
    clock,
    dryRun: config.DRY_RUN,
    autoActions: new Set(config.AUTO_ACTIONS),
    onQueued: () => outboxRunning?.wake(),
    // Importing by hand only once Radarr/Sonarr has been seen without the download (strikes).
    mayRunAlone: (request, action) => {
      if (action === 'force_import') {
        return request.completedDownloads.some((d) => reconcileJob.lostByArr(downloadKey(d.downloadId)));
      }
      if (action === 'remove_and_search') return mayRemoveUnasked(downloadToRemove(request), removalPolicy);
      return true;
    },
  });
  const outboxJob = createRunOutboxJob({
    outbox,
    execute: createActionExecutor({ connections }),
    actions,
    logger,
    intervalMs: 5_000,
  });
  const sessions = createSessionStore({ db, clock, days: config.SESSION_DAYS });
  const sessionCookie = {
    secure: config.BASE_URL.startsWith('https:'),
    maxAgeSeconds: Math.round(sessions.lifetimeMs / 1000),
  };
  const signIn = createSignIn({
    adminPassword: config.ADMIN_PASSWORD,
    adminPasswordFromEnv: config.adminPasswordFromEnv,
    jellyfins: () =>
      connections
        .all()
        .flatMap((c) => (c.jellyfin ? [{ name: c.instance.name, client: c.jellyfin.client }] : [])),
    device: { deviceId: jellyfinDeviceId(config.SECRETS_KEY), appVersion: VERSION },
    logger,
  });
  const server = await buildServer({
    logger,
    version: VERSION,
    trustProxy: config.TRUST_PROXY,
    access: { apiKey: config.API_KEY, sessions, cookie: sessionCookie },
    auth: {
      sessions,
      signIn,
      cookie: sessionCookie,
      loginRateLimit: options.loginRateLimit ?? DEFAULT_LOGIN_RATE_LIMIT,
    },
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
    },
    events: { bus, queries, sessions, heartbeatMs: options.heartbeatMs ?? 15_000 },
    services: { directory, connections, resilience: options.resilience },
    actions: { actions },
    webhookSetup: { baseUrl: config.BASE_URL, webhookToken: config.WEBHOOK_TOKEN },
    web: { root: options.webRoot ?? fileURLToPath(new URL('../dist/web', import.meta.url)) },
  });
  const running = startJob({ job: pollJob, logger });
  const pollDownloads = Object.assign(running, { lastCycle: pollJob.lastCycle });
  const verifying = startJob({ job: verifyJob, logger });
  outboxRunning = startJob({ job: outboxJob, logger });
  const runOutbox = Object.assign(outboxRunning, { runOnce: outboxJob.run });
  const reconcileJob = createReconcileJob({
    jellyseerrs: () =>
      connections
        .all()
        .flatMap((c) =>
          c.jellyseerr ? [{ id: c.instance.id, name: c.instance.name, client: c.jellyseerr }] : [],
        ),
    arrs: () =>
      connections
        .all()
        .flatMap((c): ArrInstance[] =>
          c.arr ? [{ id: c.instance.id, name: c.instance.name, ...c.arr } as ArrInstance] : [],
        ),
    waitingForGrab: () =>
      libraryQueries
        .openRequests()
        .filter((c) => c.state === 'approved')
        .map((c) => ({
          id: c.row.id,
          mediaType: c.row.mediaType,
          tmdbId: c.row.tmdbId,
          tvdbId: c.row.tvdbId,
          seasons: JSON.parse(c.row.requestedSeasons) as number[],
        })),
    completed: () =>
      libraryQueries
        .openRequests()
        .filter(
          (c) => c.state === 'downloaded' || c.episodes.some((e) => e.inScope && e.state === 'downloaded'),
        )
        .map((c) => ({
          mediaType: c.row.mediaType,
          downloadKeys: c.completedDownloads.map((d) => downloadKey(d.downloadId)),
        })),
    isKnown: (key) => downloadQueries.isKnown(key),
    state: createJobState({ db }),
    tracker,
    clock,
    logger,
    intervalMs: config.RECONCILE_INTERVAL_SECONDS * 1000,
  });
  const reconciling = startJob({ job: reconcileJob, logger });
  const reconcile = Object.assign(reconciling, {
    runOnce: reconcileJob.run,
    lastCycle: reconcileJob.lastCycle,
  });
  const reviewJob = createReviewRequestsJob({
    db,
    tracker,
    intervalMs: 60_000,
    afterReview: () => actions.autoFix(),
  });
  const reviewing = startJob({ job: reviewJob, logger });
  const housekeepingJob = createHousekeepingJob({ inbox, clock, retentionDays: config.INBOX_RETENTION_DAYS });
  const housekeeping = Object.assign(startJob({ job: housekeepingJob, logger }), {
    runOnce: housekeepingJob.run,
    lastPruned: housekeepingJob.lastPruned,
  });
  const reviewRequests = Object.assign(reviewing, { runOnce: reviewJob.run, lastCycle: reviewJob.lastCycle });
  const verifyLibrary = Object.assign(verifying, { runOnce: verifyJob.run, lastCycle: verifyJob.lastCycle });
  shoko.start();
  // A new grab or a new client: poll now rather than at the idle pace. An import, a Shoko match or
  // a new request: look in the library now rather than at the next verify.
  const unsubscribe = bus.subscribe((event) => {
    const state = (event.data as { state?: string }).state;
    if (event.name !== 'request') return;
    if (state === 'grabbing' || state === 'downloading') running.wake();
    if (
      state === 'importing' ||
      state === 'anime_matching' ||
      state === 'requested' ||
      state === 'approved'
    ) {
      verifying.wake();
    }
  });
  directory.onChange(() => {
    running.wake();
    verifying.wake();
    shoko.start();
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
    directory,
    connections,
    pollDownloads,
    verifyLibrary,
    reviewRequests,
    housekeeping,
    reconcile,
    runOutbox,
    actions,
    shoko,
    async close() {
      unsubscribe();
      await running.stop();
      await verifying.stop();
      await reviewing.stop();
      await housekeeping.stop();
      await reconciling.stop();
      await runOutbox.stop();
      await shoko.stop();
      await worker.stop();
      await server.close();
      db.$client.close();
    },
  };
}
