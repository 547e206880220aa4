import { createHash, randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import * as schema from '../db/schema.js';
import { type Derived, deriveRequest } from '../domain/derive.js';
import type { Observation, StoredObservation } from '../domain/observations.js';
import type { State } from '../domain/states.js';
import { describeObservation, describeState } from '../domain/timeline.js';
import { KEY_TIERS, type KeyTier, keysOf, seasonsOf, type TieredKey } from './correlation-keys.js';
import type { EventBus, TrackerEvent } from './event-bus.js';
import { type RequestRow, toSummary } from './request-views.js';

/** Observation kinds from Radarr/Sonarr that start a tracked item when no request explains them. */
const STARTS_ARR_ITEM = new Set<Observation['kind']>([
  'added',
  'grabbed',
  'imported',
  'import_blocked',
  'download_completed',
  'download_failed',
]);

/** How many `events` rows are kept for SSE replay. */
const EVENTS_KEPT = 5000;

export interface TrackerDeps {
  db: Db;
  bus: EventBus;
  clock: Clock;
  /** True when Jellyfin is not configured: Jellyseerr's "available" is then taken as is. */
  trustAvailableHint: boolean;
}

export interface IngestResult {
  /** Observations stored (not duplicates). */
  stored: number;
  /** Requests whose derived view changed. */
  changed: string[];
}

type Correlation =
  | { kind: 'attach'; requestIds: string[] }
  | { kind: 'adopt'; requestId: string }
  | { kind: 'create'; source: RequestRow['source'] }
  | { kind: 'pending' };

/**
 * The one door through which state changes (conventions.md): observations in; correlation, the
 * derived request, its timeline and its live event out, all in the caller's transaction.
 * Events are published only after the transaction commits.
 */
export function createTracker({ db, bus, clock, trustAvailableHint }: TrackerDeps) {
  const now = () => clock.now().toISOString();

  function loadRequest(id: string): RequestRow | undefined {
    return db.select().from(schema.requests).where(eq(schema.requests.id, id)).get();
  }

  function requestObservations(requestId: string): StoredObservation[] {
    const rows = db
      .select({ id: schema.observations.id, data: schema.observations.data })
      .from(schema.requestObservations)
      .innerJoin(schema.observations, eq(schema.observations.id, schema.requestObservations.observationId))
      .where(eq(schema.requestObservations.requestId, requestId))
      .all();
    return rows.map((r) => ({ ...(JSON.parse(r.data) as Observation), id: r.id }));
  }

  function requestSeasons(row: RequestRow): number[] {
    const requested = JSON.parse(row.requestedSeasons) as number[];
    if (requested.length > 0) return requested;
    return [
      ...new Set((JSON.parse(row.episodes) as Array<{ seasonNumber: number }>).map((e) => e.seasonNumber)),
    ];
  }

  function seasonsOverlap(row: RequestRow, o: Observation): boolean {
    const wanted = seasonsOf(o);
    const have = requestSeasons(row);
    return wanted.length === 0 || have.length === 0 || wanted.some((s) => have.includes(s));
  }

  /**
   * May this observation join this request? A finished request is not re-opened by new activity
   * (edge case 1): it takes only deletions. A request that became
   * available without any download of its own (the title was already in the library) still takes
   * the *arr activity that follows, so the order in which events arrive does not split one story.
   */
  function accepts(row: RequestRow, o: Observation): boolean {
    const state = row.state as State;
    if (row.mediaType !== o.media.mediaType) return false;
    if (state === 'deleted') return false;
    if (o.kind === 'deleted' || o.kind === 'file_deleted') return true;
    if (state === 'declined') return false;
    if (state === 'available') return (JSON.parse(row.downloads) as unknown[]).length === 0;
    return true;
  }

  function requestsWithKeys(keys: string[]): RequestRow[] {
    if (keys.length === 0) return [];
    return db
      .select()
      .from(schema.requests)
      .where(
        inArray(
          schema.requests.id,
          db
            .select({ id: schema.requestKeys.requestId })
            .from(schema.requestKeys)
            .where(inArray(schema.requestKeys.key, keys)),
        ),
      )
      .orderBy(desc(schema.requests.createdAt), desc(schema.requests.id))
      .all();
  }

  function correlate(o: Observation, keys: TieredKey[]): Correlation {
    const byTier = (tier: KeyTier) => keys.filter((k) => k.tier === tier).map((k) => k.key);
    const jsKeys = byTier('js');
    if (jsKeys.length > 0) {
      const own = requestsWithKeys(jsKeys)[0];
      if (own) return { kind: 'attach', requestIds: [own.id] };
      // An *arr item started before Jellyseerr's webhook arrived (or with no request behind it)
      // becomes this request rather than a second card for the same media.
      const adoptable = requestsWithKeys([...byTier('arr'), ...byTier('media')]).find(
        (r) =>
          r.source !== 'jellyseerr' &&
          r.jellyseerrRequestId === null &&
          r.state !== 'deleted' &&
          r.mediaType === o.media.mediaType &&
          seasonsOverlap(r, o),
      );
      return adoptable
        ? { kind: 'adopt', requestId: adoptable.id }
        : { kind: 'create', source: 'jellyseerr' };
    }
    const dlOwner = requestsWithKeys(byTier('dl')).find((r) => r.state !== 'deleted' || o.kind === 'deleted');
    if (dlOwner) return { kind: 'attach', requestIds: [dlOwner.id] };

    const hasMediaIds = byTier('media').length > 0;
    for (const tier of KEY_TIERS.slice(2)) {
      if (tier === 'title' && hasMediaIds) break; // a title is only a fallback for id-less items
      const candidates = requestsWithKeys(byTier(tier)).filter((r) => accepts(r, o) && seasonsOverlap(r, o));
      if (candidates.length === 0) continue;
      const open = candidates.filter((r) => !['available', 'declined', 'deleted'].includes(r.state));
      if (o.kind === 'deleted') return { kind: 'attach', requestIds: candidates.map((r) => r.id) };
      return { kind: 'attach', requestIds: [(open[0] ?? candidates[0])!.id] };
    }
    if ((o.source === 'radarr' || o.source === 'sonarr') && STARTS_ARR_ITEM.has(o.kind)) {
      return { kind: 'create', source: o.source };
    }
    return { kind: 'pending' };
  }

  function createRequest(o: Observation, source: RequestRow['source']): string {
    const id = randomUUID();
    const at = now();
    db.insert(schema.requests)
      .values({
        id,
        mediaType: o.media.mediaType,
        source,
        state: 'requested',
        title: o.media.title ?? null,
        createdAt: at,
        updatedAt: at,
      })
      .run();
    return id;
  }

  /** Links an observation to a request and learns its keys; returns the keys that were new. */
  function attach(requestId: string, observationId: number, keys: TieredKey[]): string[] {
    db.insert(schema.requestObservations).values({ requestId, observationId }).onConflictDoNothing().run();
    const learned: string[] = [];
    for (const { key } of keys) {
      const result = db.insert(schema.requestKeys).values({ requestId, key }).onConflictDoNothing().run();
      if (result.changes > 0) learned.push(key);
    }
    return learned;
  }

  /** Re-derives one request from all its observations and writes the result. */
  function recompute(
    requestId: string,
    cause: { observation: Observation; id: number } | undefined,
    changed: Set<string>,
  ): void {
    const before = loadRequest(requestId);
    if (!before) return;
    const derived: Derived = deriveRequest({
      mediaType: before.mediaType,
      observations: requestObservations(requestId),
      now: now(),
      trustAvailableHint,
    });
    const info = derived.info;
    const next = {
      state: derived.state,
      title: info.title ?? before.title,
      year: info.year,
      tmdbId: info.tmdbId,
      tvdbId: info.tvdbId,
      imdbId: info.imdbId,
      jellyseerrRequestId: info.jellyseerrRequestId,
      requestedBy: info.requestedBy,
      posterUrl: info.posterUrl,
      isAnime: info.isAnime,
      progress: derived.progress,
      problem: derived.problem ? JSON.stringify(derived.problem) : null,
      jellyfinId: info.jellyfinId,
      episodes: JSON.stringify(derived.episodes),
      downloads: JSON.stringify(derived.downloads),
      requestedSeasons: JSON.stringify(info.requestedSeasons),
      source: info.jellyseerrRequestId !== null ? ('jellyseerr' as const) : before.source,
    };
    const viewChanged = (Object.keys(next) as Array<keyof typeof next>).some((k) => next[k] !== before[k]);
    const stateChanged = before.state !== derived.state;
    const at = now();
    if (viewChanged) {
      db.update(schema.requests)
        .set({ ...next, updatedAt: at })
        .where(eq(schema.requests.id, requestId))
        .run();
    }
    const isNew = db
      .select({ n: sql<number>`count(*)` })
      .from(schema.timeline)
      .where(eq(schema.timeline.requestId, requestId))
      .get();
    if (cause && (cause.observation.kind !== 'download_progress' || stateChanged)) {
      const message =
        cause.observation.kind === 'download_progress'
          ? describeState(derived.state, info.isAnime)
          : describeObservation(cause.observation);
      db.insert(schema.timeline)
        .values({
          requestId,
          at: cause.observation.at,
          state: derived.state,
          source: cause.observation.source,
          message,
          observationId: cause.id,
        })
        .run();
    } else if (stateChanged || isNew?.n === 0) {
      db.insert(schema.timeline)
        .values({
          requestId,
          at,
          state: derived.state,
          source: 'tracker',
          message: describeState(derived.state, info.isAnime),
        })
        .run();
    }
    if (viewChanged) changed.add(requestId);
  }

  /**
   * Stores one observation and applies it. Must run inside a transaction. Returns false for a
   * fact already stored (a duplicate delivery, or the same fact from a poll).
   */
  function applyOne(o: Observation, inboxId: number | null, changed: Set<string>): boolean {
    const { at: _at, ...timeless } = o;
    const fingerprint = createHash('sha256').update(stableJson(timeless)).digest('hex');
    const inserted = db
      .insert(schema.observations)
      .values({ inboxId, source: o.source, kind: o.kind, at: o.at, data: JSON.stringify(o), fingerprint })
      .onConflictDoNothing()
      .returning({ id: schema.observations.id })
      .get();
    if (!inserted) return false;
    const keys = keysOf(o);
    if (keys.length > 0) {
      db.insert(schema.observationKeys)
        .values(keys.map(({ key }) => ({ observationId: inserted.id, key })))
        .onConflictDoNothing()
        .run();
    }
    place({ observation: o, id: inserted.id }, keys, changed);
    return true;
  }

  /** Correlates a stored observation; attaches it, or leaves it pending for a request yet to come. */
  function place(
    item: { observation: Observation; id: number },
    keys: TieredKey[],
    changed: Set<string>,
  ): void {
    const o = item.observation;
    const c = correlate(o, keys);
    if (c.kind === 'pending') {
      db.update(schema.observations).set({ pending: true }).where(eq(schema.observations.id, item.id)).run();
      return;
    }
    db.update(schema.observations).set({ pending: false }).where(eq(schema.observations.id, item.id)).run();
    let targets: string[];
    if (c.kind === 'attach') targets = c.requestIds;
    else if (c.kind === 'adopt') targets = [c.requestId];
    else targets = [createRequest(o, c.source)];
    for (const requestId of targets) {
      const learned = attach(requestId, item.id, keys);
      recompute(requestId, item, changed);
      if (learned.length > 0) retryPending(learned, changed);
    }
  }

  /** Observations that matched nothing get another chance when a request learns one of their keys. */
  function retryPending(learnedKeys: string[], changed: Set<string>): void {
    const rows = db
      .select({ id: schema.observations.id, data: schema.observations.data })
      .from(schema.observations)
      .where(
        and(
          eq(schema.observations.pending, true),
          inArray(
            schema.observations.id,
            db
              .select({ id: schema.observationKeys.observationId })
              .from(schema.observationKeys)
              .where(inArray(schema.observationKeys.key, learnedKeys)),
          ),
        ),
      )
      .orderBy(schema.observations.id)
      .all();
    for (const row of rows) {
      const observation = JSON.parse(row.data) as Observation;
      place({ observation, id: row.id }, keysOf(observation), changed);
    }
  }

  /** Writes the live events of changed requests; returns them for publishing after commit. */
  function recordEvents(changed: Iterable<string>): TrackerEvent[] {
    const out: TrackerEvent[] = [];
    for (const requestId of changed) {
      const row = loadRequest(requestId);
      if (!row) continue;
      const data = toSummary(row);
      const inserted = db
        .insert(schema.events)
        .values({ name: 'request', at: now(), data: JSON.stringify(data) })
        .returning({ id: schema.events.id })
        .get();
      out.push({ id: inserted.id, name: 'request', data });
    }
    if (out.length > 0) {
      const last = out[out.length - 1]!.id;
      db.delete(schema.events)
        .where(sql`${schema.events.id} <= ${last - EVENTS_KEPT}`)
        .run();
    }
    return out;
  }

  return {
    /**
     * Applies observations inside the caller's transaction (`extra` runs in it too, e.g. marking
     * an inbox row processed). Events are published once the transaction has committed.
     */
    ingest(
      observations: Observation[],
      options: { inboxId?: number; extra?: () => void } = {},
    ): IngestResult {
      let stored = 0;
      const changed = new Set<string>();
      const events = db.transaction(() => {
        for (const o of observations) if (applyOne(o, options.inboxId ?? null, changed)) stored++;
        options.extra?.();
        return recordEvents(changed);
      });
      for (const event of events) bus.publish(event);
      return { stored, changed: [...changed] };
    },
    /** Re-derives every open request (time-based facts such as air dates change with the clock). */
    refreshOpen(): string[] {
      const changed = new Set<string>();
      const events = db.transaction(() => {
        const open = db
          .select({ id: schema.requests.id })
          .from(schema.requests)
          .where(sql`${schema.requests.state} not in ('available','declined','deleted')`)
          .all();
        for (const { id } of open) recompute(id, undefined, changed);
        return recordEvents(changed);
      });
      for (const event of events) bus.publish(event);
      return [...changed];
    },
  };
}
export type Tracker = ReturnType<typeof createTracker>;

/** JSON with sorted keys, so equal facts hash equally whatever order their keys were built in. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
