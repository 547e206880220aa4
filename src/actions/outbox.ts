import { and, asc, eq, lte } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { outbox } from '../db/schema.js';
import type { ActionName } from './action-catalog.js';

export type OutboxRow = typeof outbox.$inferSelect;

/** Delay before the n-th retry: 30 s, 2 min, 10 min, 30 min. */
const BACKOFF_MS = [30_000, 120_000, 600_000, 1_800_000];
/** Attempts before a command is given up (and the timeline says so). */
export const MAX_ATTEMPTS = BACKOFF_MS.length + 1;

export interface Enqueue {
  requestId: string | null;
  action: ActionName;
  serviceId: string;
  /** Same key, same command: queued once, however often a cycle finds the reason again. */
  dedupeKey: string;
  payload: Record<string, unknown>;
  origin: 'user' | 'auto';
  dryRun: boolean;
}

/** The durable outbox: commands are rows first, sent by the outbox job with retries. */
export function createOutbox({ db, clock }: { db: Db; clock: Clock }) {
  const now = () => clock.now().toISOString();
  return {
    /** Queues a command; `created: false` when one with the same key exists already. */
    enqueue(input: Enqueue): { row: OutboxRow; created: boolean } {
      const at = now();
      const inserted = db
        .insert(outbox)
        .values({
          requestId: input.requestId,
          action: input.action,
          serviceId: input.serviceId,
          dedupeKey: input.dedupeKey,
          payload: JSON.stringify(input.payload),
          status: input.dryRun ? 'dry_run' : 'pending',
          origin: input.origin,
          nextAttemptAt: at,
          createdAt: at,
          updatedAt: at,
        })
        .onConflictDoNothing({ target: outbox.dedupeKey })
        .returning()
        .get();
      if (inserted) return { row: inserted, created: true };
      return {
        row: db.select().from(outbox).where(eq(outbox.dedupeKey, input.dedupeKey)).get()!,
        created: false,
      };
    },
    due(limit = 20): OutboxRow[] {
      return db
        .select()
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now())))
        .orderBy(asc(outbox.id))
        .limit(limit)
        .all();
    },
    done(id: number): void {
      db.update(outbox)
        .set({ status: 'done', lastError: null, updatedAt: now() })
        .where(eq(outbox.id, id))
        .run();
    },
    /** A failed attempt: retried later, or given up after MAX_ATTEMPTS. Returns whether it gave up. */
    failed(row: OutboxRow, error: string): boolean {
      const attempts = row.attempts + 1;
      const giveUp = attempts >= MAX_ATTEMPTS;
      const delay = BACKOFF_MS[Math.min(attempts - 1, BACKOFF_MS.length - 1)] ?? 0;
      db.update(outbox)
        .set({
          attempts,
          status: giveUp ? 'failed' : 'pending',
          lastError: error,
          nextAttemptAt: new Date(clock.now().getTime() + delay).toISOString(),
          updatedAt: now(),
        })
        .where(eq(outbox.id, row.id))
        .run();
      return giveUp;
    },
    forRequest(requestId: string): OutboxRow[] {
      return db.select().from(outbox).where(eq(outbox.requestId, requestId)).orderBy(asc(outbox.id)).all();
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
