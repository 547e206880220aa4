import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Every webhook body, stored raw before the 202 goes out. The inbox worker turns rows into
 * observations; `processedAt` is set in the same transaction that stores them, so a crash in
 * between leaves the row to be processed again.
 */
export const inbox = sqliteTable(
  'inbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    source: text('source').notNull(),
    eventType: text('event_type').notNull(),
    receivedAt: text('received_at').notNull(),
    /** sha256 of source + canonical body: a second delivery of the same body is not applied twice. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    body: text('body').notNull(),
    processedAt: text('processed_at'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [index('inbox_unprocessed').on(t.processedAt, t.id)],
);

/** One normalised fact (domain `Observation`), from a webhook or a poll. */
export const observations = sqliteTable(
  'observations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    inboxId: integer('inbox_id').references(() => inbox.id),
    source: text('source').notNull(),
    kind: text('kind').notNull(),
    at: text('at').notNull(),
    /** The Observation as JSON. */
    data: text('data').notNull(),
    /** Content hash without time: the same fact seen twice is stored once. */
    fingerprint: text('fingerprint').notNull().unique(),
    /** 1 while no request claims it and it may yet find one (Jellyfin before the request, ...). */
    pending: integer('pending', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('observations_pending').on(t.pending)],
);

/** Correlation keys an observation carries (`dl:<hash>`, `tmdb:movie:603`, ...). */
export const observationKeys = sqliteTable(
  'observation_keys',
  {
    observationId: integer('observation_id')
      .notNull()
      .references(() => observations.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.observationId, t.key] }), index('observation_keys_key').on(t.key)],
);

/** A tracked item: a Jellyseerr request, or *arr activity no request explains. State is derived. */
export const requests = sqliteTable(
  'requests',
  {
    id: text('id').primaryKey(),
    mediaType: text('media_type', { enum: ['movie', 'tv'] }).notNull(),
    source: text('source', { enum: ['jellyseerr', 'radarr', 'sonarr'] }).notNull(),
    state: text('state').notNull(),
    title: text('title'),
    year: integer('year'),
    tmdbId: integer('tmdb_id'),
    tvdbId: integer('tvdb_id'),
    imdbId: text('imdb_id'),
    jellyseerrRequestId: integer('jellyseerr_request_id'),
    requestedBy: text('requested_by'),
    posterUrl: text('poster_url'),
    isAnime: integer('is_anime', { mode: 'boolean' }).notNull().default(false),
    progress: real('progress'),
    /** Problem JSON or null. */
    problem: text('problem'),
    jellyfinId: text('jellyfin_id'),
    /** The derived episodes and downloads as JSON: read whole, never queried inside. */
    episodes: text('episodes').notNull().default('[]'),
    downloads: text('downloads').notNull().default('[]'),
    requestedSeasons: text('requested_seasons').notNull().default('[]'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('requests_state').on(t.state),
    index('requests_created').on(t.createdAt),
    index('requests_updated').on(t.updatedAt),
  ],
);

/** Keys a request is known by; the correlator finds requests through them. */
export const requestKeys = sqliteTable(
  'request_keys',
  {
    requestId: text('request_id')
      .notNull()
      .references(() => requests.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.key] }), index('request_keys_key').on(t.key)],
);

export const requestObservations = sqliteTable(
  'request_observations',
  {
    requestId: text('request_id')
      .notNull()
      .references(() => requests.id, { onDelete: 'cascade' }),
    observationId: integer('observation_id')
      .notNull()
      .references(() => observations.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.requestId, t.observationId] }),
    index('request_observations_obs').on(t.observationId),
  ],
);

export const timeline = sqliteTable(
  'timeline',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: text('request_id')
      .notNull()
      .references(() => requests.id, { onDelete: 'cascade' }),
    at: text('at').notNull(),
    state: text('state').notNull(),
    source: text('source').notNull(),
    message: text('message').notNull(),
    observationId: integer('observation_id').references(() => observations.id),
  },
  (t) => [index('timeline_request').on(t.requestId, t.id)],
);

/** Events sent on /api/events, kept for `Last-Event-ID` replay (trimmed to the newest rows). */
export const events = sqliteTable('events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  at: text('at').notNull(),
  data: text('data').notNull(),
});

/** What each webhook source last sent: "last seen", last test, last health report. */
export const sourceStatus = sqliteTable('source_status', {
  source: text('source').primaryKey(),
  lastSeenAt: text('last_seen_at'),
  lastEventType: text('last_event_type'),
  lastTestAt: text('last_test_at'),
  healthLevel: text('health_level'),
  healthMessage: text('health_message'),
});

/**
 * Service instances added through `/api/services` (the ones from the environment are not stored).
 * `secrets` is the JSON of the password/API key, sealed with AES-256-GCM (services/secret-box.ts).
 */
export const services = sqliteTable('services', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  username: text('username'),
  secrets: text('secrets'),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/**
 * Completed downloads seen in a download client, in a category the *arrs use, that no tracked
 * request knows: the desync check (edge case 23) looks here for downloads an *arr lost track of.
 */
export const unclaimedDownloads = sqliteTable(
  'unclaimed_downloads',
  {
    serviceId: text('service_id').notNull(),
    arrId: text('arr_id').notNull(),
    name: text('name').notNull(),
    category: text('category'),
    contentPath: text('content_path'),
    sizeBytes: integer('size_bytes').notNull(),
    completedAt: text('completed_at'),
    firstSeenAt: text('first_seen_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.serviceId, t.arrId] })],
);

/**
 * Outgoing commands (force an import, search again, ask Jellyfin to scan), written before they are
 * sent and run by the outbox job with retries: a crash never loses one, and `dedupe_key` keeps the
 * same command from being queued twice (not once per reconcile cycle).
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: text('request_id'),
    action: text('action').notNull(),
    /** Which service instance runs it (`/api/services` id). */
    serviceId: text('service_id').notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    /** The command's arguments as JSON. */
    payload: text('payload').notNull(),
    /** `pending`, `done`, `failed` (gave up) or `dry_run` (recorded, never sent). */
    status: text('status').notNull(),
    /** `user` (an API call) or `auto` (a problem's safe fix). */
    origin: text('origin').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('outbox_due').on(t.status, t.nextAttemptAt)],
);

/** Small pieces of job state that must survive a restart (e.g. when Jellyseerr was last read). */
export const jobState = sqliteTable('job_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Signed-in UI sessions. Only a SHA-256 of the cookie's token is kept, so a copy of the database
 * signs nobody in. `expiresAt` slides forward while the session is used; expired rows are ignored
 * and deleted when next met.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    userName: text('user_name').notNull(),
    /** The Jellyfin user's id for `via: jellyfin`, null for the local admin. */
    jellyfinUserId: text('jellyfin_user_id'),
    isAdmin: integer('is_admin', { mode: 'boolean' }).notNull(),
    via: text('via', { enum: ['jellyfin', 'local'] }).notNull(),
    /** Sent back in `X-CSRF-Token` with every cookie-authenticated change. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
  },
  (t) => [index('sessions_expires').on(t.expiresAt)],
);
