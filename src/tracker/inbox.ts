import { eq, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import * as schema from '../db/schema.js';
import type { HealthReport } from '../integrations/webhook.types.js';

export interface InboxEntry {
  source: string;
  eventType: string;
  /** The body exactly as received. */
  body: string;
  dedupeKey: string;
}

export interface StoredEntry {
  id: number;
  /** The same body was stored before: it is acknowledged and not applied twice. */
  duplicate: boolean;
}

interface Waiting {
  entry: InboxEntry | { test: true; source: string; eventType: string };
  resolve: (value: StoredEntry | null) => void;
  reject: (error: unknown) => void;
}

/**
 * The durable inbox with group commit: every webhook that arrives within one turn of the event loop
 * is written in one transaction, so one fsync covers many 202s. No answer goes out before its
 * transaction has committed.
 */
export function createInbox({ db, clock }: { db: Db; clock: Clock }) {
  let queue: Waiting[] = [];
  let scheduled = false;
  let lastStoredAt = Number.NEGATIVE_INFINITY;
  const insert = db.$client.prepare(
    `insert into inbox (source, event_type, received_at, dedupe_key, body) values (?, ?, ?, ?, ?)
     on conflict(dedupe_key) do nothing returning id`,
  );
  const findByKey = db.$client.prepare('select id from inbox where dedupe_key = ?');
  const seen = db.$client.prepare(
    `insert into source_status (source, last_seen_at, last_event_type) values (?, ?, ?)
     on conflict(source) do update set last_seen_at = excluded.last_seen_at, last_event_type = excluded.last_event_type`,
  );
  const tested = db.$client.prepare(
    `insert into source_status (source, last_seen_at, last_event_type, last_test_at) values (?, ?, ?, ?)
     on conflict(source) do update set last_seen_at = excluded.last_seen_at,
       last_event_type = excluded.last_event_type, last_test_at = excluded.last_test_at`,
  );

  const markProcessed = db.$client.prepare('update inbox set processed_at = ?, error = ? where id = ?');
  const health = db.$client.prepare(
    'update source_status set health_level = ?, health_message = ? where source = ?',
  );

  const flushAll = db.$client.transaction((batch: Waiting[]) => {
    const at = clock.now().toISOString();
    const lastEvent = new Map<string, string>();
    const results = batch.map(({ entry }) => {
      if ('test' in entry) {
        tested.run(entry.source, at, entry.eventType, at);
        return null;
      }
      lastEvent.set(entry.source, entry.eventType);
      const row = insert.get(entry.source, entry.eventType, at, entry.dedupeKey, entry.body) as
        | { id: number }
        | undefined;
      if (row) return { id: row.id, duplicate: false };
      const existing = findByKey.get(entry.dedupeKey) as { id: number };
      return { id: existing.id, duplicate: true };
    });
    for (const [source, eventType] of lastEvent) seen.run(source, at, eventType);
    return results;
  });

  function flush(): void {
    scheduled = false;
    const batch = queue;
    queue = [];
    try {
      const results = flushAll(batch);
      batch.forEach((w, i) => {
        w.resolve(results[i] ?? null);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }

  function enqueue(entry: Waiting['entry']): Promise<StoredEntry | null> {
    lastStoredAt = performance.now();
    return new Promise((resolve, reject) => {
      queue.push({ entry, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        // Webhooks read in the same turn of the event loop share one commit (one fsync).
        setImmediate(flush);
      }
    });
  }

  const pruneBodies = db.$client.prepare(
    `update inbox set body = '' where id in (select id from inbox
       where processed_at is not null and received_at < ? and body != '' order by id limit ?)`,
  );

  return {
    /** Stores a webhook body durably; resolves once committed. */
    store: (entry: InboxEntry) => enqueue(entry) as Promise<StoredEntry>,
    /** Records a test notification as "last seen" for its source (nothing to process). */
    recordTest: async (source: string, eventType: string): Promise<void> => {
      await enqueue({ test: true, source, eventType });
    },
    /** True while webhooks are arriving: the worker then leaves most of the time to the door. */
    isBusy: (withinMs = 50): boolean => performance.now() - lastStoredAt < withinMs,
    /** Rows still waiting for the worker, oldest first. */
    unprocessed(limit: number) {
      return db
        .select()
        .from(schema.inbox)
        .where(sql`${schema.inbox.processedAt} is null`)
        .orderBy(schema.inbox.id)
        .limit(limit)
        .all();
    },
    markProcessed(id: number, error: string | null = null): void {
      markProcessed.run(clock.now().toISOString(), error, id);
    },
    /**
     * Empties the bodies of up to `limit` applied webhooks received before `before`; returns how many.
     * The row and its dedupe key stay, so a late re-delivery is still recognised; only the raw payload
     * view loses the original.
     */
    pruneBodies({ before, limit }: { before: string; limit: number }): number {
      return pruneBodies.run(before, limit).changes;
    },
    /** A source's own health report (Radarr/Sonarr `Health`/`HealthRestored`), shown in /api/health. */
    recordHealth(source: string, report: HealthReport): void {
      health.run(report.restored ? 'ok' : report.level, report.message, source);
    },
    markFailedAttempt(id: number, error: string): number {
      const row = db
        .update(schema.inbox)
        .set({ attempts: sql`${schema.inbox.attempts} + 1`, error })
        .where(eq(schema.inbox.id, id))
        .returning({ attempts: schema.inbox.attempts })
        .get();
      return row?.attempts ?? 0;
    },
    backlog(): { count: number; oldest: string | null } {
      const row = db
        .select({ count: sql<number>`count(*)`, oldest: sql<string | null>`min(${schema.inbox.receivedAt})` })
        .from(schema.inbox)
        .where(sql`${schema.inbox.processedAt} is null`)
        .get();
      return { count: row?.count ?? 0, oldest: row?.oldest ?? null };
    },
  };
}
export type Inbox = ReturnType<typeof createInbox>;
