import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { type Derived, deriveRequest } from '../domain/derive.js';
import type { Observation } from '../domain/observations.js';
import { stableJson } from '../domain/stable-json.js';
import type { State } from '../domain/states.js';
import type { Outage, StuckThresholds } from '../domain/stuck.js';
import { alreadyTold, describeObservation, describeState } from '../domain/timeline.js';
import { KEY_TIERS, type KeyTier, keysOf, seasonsOf, type TieredKey } from './correlation-keys.js';
import type { EventBus, TrackerEvent } from './event-bus.js';
import { type RequestRow, toSummary } from './request-views.js';
import { createTrackerStore } from './tracker.store.js';

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
  /** True while Jellyfin is not configured: Jellyseerr's "available" is then taken as is. */
  trustAvailableHint: () => boolean;
  /** How long each stage may take before it is a problem (defaults when absent). */
  thresholds?: StuckThresholds | undefined;
  /** Services that are down now: their silence is not evidence (the outage guard). */
  outages?: (() => ReadonlySet<Outage>) | undefined;
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
export function createTracker({ db, bus, clock, trustAvailableHint, thresholds, outages }: TrackerDeps) {
  const now = () => clock.now().toISOString();

  const store = createTrackerStore(db);

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

  function correlate(o: Observation, keys: TieredKey[]): Correlation {
    // A job that observed this for a request it follows says which one.
    if (o.requestId !== undefined && store.loadRequest(o.requestId)) {
      return { kind: 'attach', requestIds: [o.requestId] };
    }
    const byTier = (tier: KeyTier) => keys.filter((k) => k.tier === tier).map((k) => k.key);
    const jsKeys = byTier('js');
    if (jsKeys.length > 0) {
      const own = store.requestsWithKeys(jsKeys)[0];
      if (own) return { kind: 'attach', requestIds: [own.id] };
      // An *arr item started before Jellyseerr's webhook arrived (or with no request behind it)
      // becomes this request rather than a second card for the same media.
      const adoptable = store
        .requestsWithKeys([...byTier('arr'), ...byTier('media')])
        .find(
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
    const dlOwner = store
      .requestsWithKeys(byTier('dl'))
      .find((r) => r.state !== 'deleted' || o.kind === 'deleted');
    if (dlOwner) return { kind: 'attach', requestIds: [dlOwner.id] };

    const hasMediaIds = byTier('media').length > 0;
    for (const tier of KEY_TIERS.slice(2)) {
      if (tier === 'title' && hasMediaIds) break; // a title is only a fallback for id-less items
      const candidates = store
        .requestsWithKeys(byTier(tier))
        .filter((r) => accepts(r, o) && seasonsOverlap(r, o));
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
    store.insertRequest({
      id,
      mediaType: o.media.mediaType,
      source,
      title: o.media.title ?? null,
      at: now(),
    });
    return id;
  }

  /** Links an observation to a request and learns its keys; returns the keys that were new. */
  function attach(requestId: string, observationId: number, keys: TieredKey[]): string[] {
    store.linkObservation(requestId, observationId);
    return store.addRequestKeys(
      requestId,
      keys.map((k) => k.key),
    );
  }

  /** Re-derives one request from all its observations and writes the result. */
  function recompute(
    requestId: string,
    cause: { observation: Observation; id: number } | undefined,
    changed: Set<string>,
  ): void {
    const before = store.loadRequest(requestId);
    if (!before) return;
    const observations = store.observationsOf(requestId);
    const derived: Derived = deriveRequest({
      mediaType: before.mediaType,
      observations,
      now: now(),
      trustAvailableHint: trustAvailableHint(),
      thresholds,
      outages: outages?.(),
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
      store.updateRequest(requestId, { ...next, updatedAt: at });
    }
    const progressOnly = cause?.observation.kind === 'download_progress';
    const message =
      cause &&
      (progressOnly ? describeState(derived.state, info.isAnime) : describeObservation(cause.observation));
    // The same fact told again by another door (the import by webhook and by the *arr's history, the
    // Jellyfin item by webhook and by the verify job) changes nothing and is not written twice.
    const toldAgain =
      cause !== undefined &&
      message !== undefined &&
      !stateChanged &&
      !viewChanged &&
      (store.hasTimelineMessage(requestId, message) ||
        alreadyTold(
          cause.observation,
          observations.filter((o) => o.id !== cause.id),
        ));
    if (cause && message && !toldAgain && (!progressOnly || stateChanged)) {
      store.insertTimeline({
        requestId,
        at: cause.observation.at,
        state: derived.state,
        source: cause.observation.source,
        message,
        observationId: cause.id,
      });
    } else if (stateChanged || !store.hasTimeline(requestId)) {
      store.insertTimeline({
        requestId,
        at,
        state: derived.state,
        source: 'tracker',
        message: describeState(derived.state, info.isAnime),
        observationId: null,
      });
    }
    if (viewChanged) changed.add(requestId);
  }

  /**
   * Stores one observation and applies it. Must run inside a transaction. A fact already stored (a
   * duplicate delivery, or the same fact from a poll) changes nothing.
   */
  function applyOne(o: Observation, inboxId: number | null, changed: Set<string>): void {
    const { at: _at, ...timeless } = o;
    const fingerprint = createHash('sha256').update(stableJson(timeless)).digest('hex');
    const id = store.insertObservation({
      inboxId,
      source: o.source,
      kind: o.kind,
      at: o.at,
      data: JSON.stringify(o),
      fingerprint,
    });
    if (id === undefined) return;
    place({ observation: o, id, pending: false }, keysOf(o), changed);
    if (o.kind === 'download_progress') {
      store.pruneProgress({ id, downloadId: o.download.id, clientState: o.clientState });
    }
  }

  /**
   * Correlates a stored observation; attaches it, or leaves it pending for a request yet to come.
   * Only pending observations need their keys stored: they are looked up by key when a request
   * learns one.
   */
  function place(
    item: { observation: Observation; id: number; pending: boolean },
    keys: TieredKey[],
    changed: Set<string>,
  ): void {
    const o = item.observation;
    const c = correlate(o, keys);
    if (c.kind === 'pending') {
      if (!item.pending) {
        store.setPending(item.id, true);
        store.addObservationKeys(
          item.id,
          keys.map((k) => k.key),
        );
      }
      return;
    }
    if (item.pending) store.setPending(item.id, false);
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
    const rows = store.pendingWithKeys(learnedKeys);
    for (const row of rows) {
      const observation = JSON.parse(row.data) as Observation;
      place({ observation, id: row.id, pending: true }, keysOf(observation), changed);
    }
  }

  /** Writes the live events of changed requests; returns them for publishing after commit. */
  function recordEvents(changed: Iterable<string>): TrackerEvent[] {
    const out: TrackerEvent[] = [];
    for (const requestId of changed) {
      const row = store.loadRequest(requestId);
      if (!row) continue;
      const data = toSummary(row);
      out.push({ id: store.insertEvent(now(), data), name: 'request', data });
    }
    if (out.length > 0) {
      const last = out[out.length - 1]!.id;
      store.trimEvents(last - EVENTS_KEPT);
    }
    return out;
  }

  return {
    /**
     * Derives the given requests again with the current time: time-based problems (stuck for too
     * long) appear and clear without any new observation. Writes and publishes only what changed.
     */
    refresh(requestIds: readonly string[]): number {
      const changed = new Set<string>();
      const events = db.$client.transaction(() => {
        for (const id of requestIds) recompute(id, undefined, changed);
        return recordEvents(changed);
      })();
      for (const event of events) bus.publish(event);
      return changed.size;
    },
    /**
     * Applies observations in one transaction (`extra` runs in it too, e.g. marking an inbox row
     * processed). better-sqlite3's transactions nest as savepoints, so a caller may batch calls in
     * an enclosing transaction; it then passes `collect` and publishes the events after its commit.
     */
    ingest(
      observations: Observation[],
      options: { inboxId?: number; extra?: () => void; collect?: TrackerEvent[] } = {},
    ): void {
      const changed = new Set<string>();
      const apply = () => {
        for (const o of observations) applyOne(o, options.inboxId ?? null, changed);
        options.extra?.();
        return recordEvents(changed);
      };
      // Inside the caller's transaction (the worker gives each row a savepoint) no second one is needed.
      const events = db.$client.inTransaction ? apply() : db.$client.transaction(apply)();
      if (options.collect) options.collect.push(...events);
      else for (const event of events) bus.publish(event);
    },
  };
}
export type Tracker = ReturnType<typeof createTracker>;
