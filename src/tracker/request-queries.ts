import { and, asc, desc, eq, gt, inArray, notInArray, type SQL, sql } from 'drizzle-orm';
import { foldName } from '../auth/viewer.js';
import type { Db } from '../db/database.js';
import * as schema from '../db/schema.js';
import { FINISHED_STATES, type MediaType, type State } from '../domain/states.js';
import { type RequestDetail, type RequestSummary, toDetail, toSummary } from './request-views.js';

export interface ListFilter {
  active?: boolean | undefined;
  state?: State | undefined;
  mediaType?: MediaType | undefined;
  q?: string | undefined;
  /** Only requests this person asked for, the name compared case-insensitively (a non-admin's view). */
  requestedBy?: string | undefined;
  limit: number;
  offset: number;
}

/** Read side of the tracker: what the API and the UI show. */
export function createRequestQueries({ db }: { db: Db }) {
  // SQLite's lower() folds ASCII only; a person's name may not be ASCII.
  db.$client.function('fold_name', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? foldName(value) : value,
  );
  return {
    list(filter: ListFilter): { items: RequestSummary[]; total: number } {
      const where: SQL[] = [];
      const finished = [...FINISHED_STATES];
      if (filter.active === true) where.push(notInArray(schema.requests.state, finished));
      if (filter.active === false) where.push(inArray(schema.requests.state, finished));
      if (filter.state) where.push(eq(schema.requests.state, filter.state));
      if (filter.mediaType) where.push(eq(schema.requests.mediaType, filter.mediaType));
      if (filter.q?.trim()) {
        const escaped = filter.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
        where.push(sql`${schema.requests.title} like ${`%${escaped}%`} escape '\\'`);
      }
      if (filter.requestedBy !== undefined) {
        where.push(sql`fold_name(${schema.requests.requestedBy}) = ${foldName(filter.requestedBy)}`);
      }
      const condition = where.length > 0 ? and(...where) : undefined;
      const rows = db
        .select()
        .from(schema.requests)
        .where(condition)
        .orderBy(desc(schema.requests.updatedAt), desc(schema.requests.id))
        .limit(filter.limit)
        .offset(filter.offset)
        .all();
      const total =
        db.select({ n: sql<number>`count(*)` }).from(schema.requests).where(condition).get()?.n ?? 0;
      return { items: rows.map(toSummary), total };
    },
    get(id: string): RequestDetail | null {
      const row = db.select().from(schema.requests).where(eq(schema.requests.id, id)).get();
      if (!row) return null;
      const entries = db
        .select()
        .from(schema.timeline)
        .where(eq(schema.timeline.requestId, id))
        .orderBy(asc(schema.timeline.id))
        .all();
      return toDetail(row, entries);
    },
    /** The raw payload an observation came from (admin only): debugging a stack starts there. */
    rawObservation(id: number) {
      const row = db
        .select({
          id: schema.observations.id,
          source: schema.observations.source,
          kind: schema.observations.kind,
          at: schema.observations.at,
          data: schema.observations.data,
          body: schema.inbox.body,
          receivedAt: schema.inbox.receivedAt,
          eventType: schema.inbox.eventType,
        })
        .from(schema.observations)
        .leftJoin(schema.inbox, eq(schema.inbox.id, schema.observations.inboxId))
        .where(eq(schema.observations.id, id))
        .get();
      if (!row) return null;
      let payload: unknown = null;
      // '' is a body emptied by housekeeping (INBOX_RETENTION_DAYS).
      if (row.body !== null && row.body !== '') {
        try {
          payload = JSON.parse(row.body);
        } catch {
          payload = row.body;
        }
      }
      return {
        observationId: row.id,
        source: row.source,
        kind: row.kind,
        at: row.at,
        observation: JSON.parse(row.data) as unknown,
        eventType: row.eventType,
        receivedAt: row.receivedAt,
        payload,
      };
    },
    eventsAfter(lastId: number, limit = 1000) {
      return db
        .select()
        .from(schema.events)
        .where(gt(schema.events.id, lastId))
        .orderBy(asc(schema.events.id))
        .limit(limit)
        .all();
    },
    sourceStatuses() {
      return db.select().from(schema.sourceStatus).all();
    },
  };
}
export type RequestQueries = ReturnType<typeof createRequestQueries>;
