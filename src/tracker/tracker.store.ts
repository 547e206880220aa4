import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import * as schema from '../db/schema.js';
import type { Observation, StoredObservation } from '../domain/observations.js';
import type { RequestRow } from './request-views.js';

const p = sql.placeholder;

/** Every column the derivation rewrites on a request row. */
export type DerivedColumns = Omit<RequestRow, 'id' | 'mediaType' | 'createdAt'>;

/**
 * The tracker's reads and writes, as statements prepared once: the inbox worker runs them for
 * every observation, and building each query anew cost more than running it.
 */
export function createTrackerStore(db: Db) {
  const r = schema.requests;
  const o = schema.observations;

  const loadRequest = db
    .select()
    .from(r)
    .where(eq(r.id, p('id')))
    .prepare();
  const timelineMessageCount = db
    .select({ n: sql<number>`count(*)` })
    .from(schema.timeline)
    .where(and(eq(schema.timeline.requestId, p('requestId')), eq(schema.timeline.message, p('message'))))
    .prepare();
  /**
   * Parsed observations by id. A stored observation never changes, and a request is derived again
   * from all of its observations on every change, so the same objects are handed out each time (and
   * what derive computes from them is kept with them). Bounded: the oldest entries go first.
   */
  const parsed = new Map<number, StoredObservation>();
  const PARSED_KEPT = 20_000;
  function parsedObservation(id: number, data: string): StoredObservation {
    let o = parsed.get(id);
    if (o === undefined) {
      o = Object.freeze({ ...(JSON.parse(data) as Observation), id }) as StoredObservation;
      parsed.set(id, o);
      if (parsed.size > PARSED_KEPT) parsed.delete(parsed.keys().next().value as number);
    }
    return o;
  }
  const observationsOf = db
    .select({ id: o.id, data: o.data })
    .from(schema.requestObservations)
    .innerJoin(o, eq(o.id, schema.requestObservations.observationId))
    .where(eq(schema.requestObservations.requestId, p('requestId')))
    .orderBy(asc(o.id))
    .prepare();
  // Keys arrive as one JSON array, so a single prepared statement serves any number of them.
  const requestsWithKeys = db
    .select()
    .from(r)
    .where(
      sql`${r.id} in (select ${schema.requestKeys.requestId} from ${schema.requestKeys}
        where ${schema.requestKeys.key} in (select value from json_each(${p('keys')})))`,
    )
    .orderBy(desc(r.createdAt), desc(r.id))
    .prepare();
  const insertRequest = db
    .insert(r)
    .values({
      id: p('id'),
      mediaType: p('mediaType'),
      source: p('source'),
      state: 'requested',
      title: p('title'),
      createdAt: p('at'),
      updatedAt: p('at'),
    })
    .prepare();
  const insertObservation = db
    .insert(o)
    .values({
      inboxId: p('inboxId'),
      source: p('source'),
      kind: p('kind'),
      at: p('at'),
      data: p('data'),
      fingerprint: p('fingerprint'),
    })
    .onConflictDoNothing()
    .returning({ id: o.id })
    .prepare();
  const insertObservationKey = db
    .insert(schema.observationKeys)
    .values({ observationId: p('observationId'), key: p('key') })
    .onConflictDoNothing()
    .prepare();
  const setPending = db
    .update(o)
    .set({ pending: sql`${p('pending')}` })
    .where(eq(o.id, p('id')))
    .prepare();
  const pendingWithKeys = db
    .select({ id: o.id, data: o.data })
    .from(o)
    .where(
      and(
        eq(o.pending, true),
        sql`${o.id} in (select ${schema.observationKeys.observationId} from ${schema.observationKeys}
          where ${schema.observationKeys.key} in (select value from json_each(${p('keys')})))`,
      ),
    )
    .orderBy(asc(o.id))
    .prepare();
  const linkObservation = db
    .insert(schema.requestObservations)
    .values({ requestId: p('requestId'), observationId: p('observationId') })
    .onConflictDoNothing()
    .prepare();
  const addRequestKey = db
    .insert(schema.requestKeys)
    .values({ requestId: p('requestId'), key: p('key') })
    .onConflictDoNothing()
    .prepare();
  const timelineCount = db
    .select({ n: sql<number>`count(*)` })
    .from(schema.timeline)
    .where(eq(schema.timeline.requestId, p('requestId')))
    .prepare();
  const insertTimeline = db
    .insert(schema.timeline)
    .values({
      requestId: p('requestId'),
      at: p('at'),
      state: p('state'),
      source: p('source'),
      message: p('message'),
      observationId: p('observationId'),
    })
    .prepare();
  const insertEvent = db
    .insert(schema.events)
    .values({ name: 'request', at: p('at'), data: p('data') })
    .returning({ id: schema.events.id })
    .prepare();
  const trimEvents = db
    .delete(schema.events)
    .where(sql`${schema.events.id} <= ${p('upTo')}`)
    .prepare();
  const updateRequest = db
    .update(r)
    .set({
      state: sql`${p('state')}`,
      source: sql`${p('source')}`,
      title: sql`${p('title')}`,
      year: sql`${p('year')}`,
      tmdbId: sql`${p('tmdbId')}`,
      tvdbId: sql`${p('tvdbId')}`,
      imdbId: sql`${p('imdbId')}`,
      jellyseerrRequestId: sql`${p('jellyseerrRequestId')}`,
      requestedBy: sql`${p('requestedBy')}`,
      posterUrl: sql`${p('posterUrl')}`,
      isAnime: sql`${p('isAnime')}`,
      progress: sql`${p('progress')}`,
      problem: sql`${p('problem')}`,
      jellyfinId: sql`${p('jellyfinId')}`,
      episodes: sql`${p('episodes')}`,
      downloads: sql`${p('downloads')}`,
      requestedSeasons: sql`${p('requestedSeasons')}`,
      updatedAt: sql`${p('updatedAt')}`,
    })
    .where(eq(r.id, p('id')))
    .prepare();
  // Progress polls repeat the same fact with new numbers: between the first and the latest report
  // of one client state, the rows in the middle tell nothing that derivation or the timeline uses.
  const pruneProgress = db.$client.prepare(`
    with siblings as (
      select o.id from request_observations ro join observations o on o.id = ro.observation_id
      where ro.request_id in (select request_id from request_observations where observation_id = @id)
        and o.kind = 'download_progress'
        and json_extract(o.data, '$.download.id') = @downloadId
        and json_extract(o.data, '$.clientState') = @clientState
    )
    delete from observations
    where id in (select id from siblings)
      and id <> @id
      and id <> (select min(id) from siblings)
      and not exists (select 1 from timeline t where t.observation_id = observations.id)`);

  return {
    /** Deletes the superseded middle reports of a download's client state (see `pruneProgress`). */
    pruneProgress: (values: { id: number; downloadId: string; clientState: string }): void => {
      pruneProgress.run(values);
    },
    loadRequest: (id: string): RequestRow | undefined => loadRequest.get({ id }),
    observationsOf: (requestId: string): StoredObservation[] =>
      observationsOf.all({ requestId }).map((row) => parsedObservation(row.id, row.data)),
    requestsWithKeys: (keys: string[]): RequestRow[] =>
      keys.length === 0 ? [] : requestsWithKeys.all({ keys: JSON.stringify(keys) }),
    insertRequest: (values: {
      id: string;
      mediaType: string;
      source: string;
      title: string | null;
      at: string;
    }) => {
      insertRequest.run(values);
    },
    /** Returns the new id, or undefined when the same fact was stored before. */
    insertObservation: (values: {
      inboxId: number | null;
      source: string;
      kind: string;
      at: string;
      data: string;
      fingerprint: string;
    }): number | undefined => insertObservation.get(values)?.id,
    addObservationKeys: (observationId: number, keys: string[]) => {
      for (const key of keys) insertObservationKey.run({ observationId, key });
    },
    setPending: (id: number, pending: boolean) => {
      setPending.run({ id, pending: pending ? 1 : 0 });
    },
    pendingWithKeys: (keys: string[]) => pendingWithKeys.all({ keys: JSON.stringify(keys) }),
    linkObservation: (requestId: string, observationId: number) => {
      linkObservation.run({ requestId, observationId });
    },
    /** Returns the keys the request did not have yet. */
    addRequestKeys: (requestId: string, keys: string[]): string[] =>
      keys.filter((key) => addRequestKey.run({ requestId, key }).changes > 0),
    updateRequest: (id: string, values: DerivedColumns) => {
      updateRequest.run({ ...values, id, isAnime: values.isAnime ? 1 : 0 });
    },
    hasTimeline: (requestId: string): boolean => (timelineCount.get({ requestId })?.n ?? 0) > 0,
    hasTimelineMessage: (requestId: string, message: string): boolean =>
      (timelineMessageCount.get({ requestId, message })?.n ?? 0) > 0,
    insertTimeline: (values: {
      requestId: string;
      at: string;
      state: string;
      source: string;
      message: string;
      observationId: number | null;
    }) => {
      insertTimeline.run(values);
    },
    insertEvent: (at: string, data: unknown): number =>
      insertEvent.get({ at, data: JSON.stringify(data) })!.id,
    trimEvents: (upTo: number) => {
      trimEvents.run({ upTo });
    },
  };
}
export type TrackerStore = ReturnType<typeof createTrackerStore>;
