import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import * as schema from '../db/schema.js';
import type { WebhookParser, WebhookSource } from '../integrations/webhook.types.js';
import type { Inbox } from './inbox.js';
import type { Tracker } from './tracker.js';

/** A row that keeps throwing is set aside after this many tries, so one bad row never stops the rest. */
const MAX_ATTEMPTS = 5;
const BATCH = 50;

export interface InboxWorkerDeps {
  db: Db;
  inbox: Inbox;
  tracker: Tracker;
  parsers: Record<WebhookSource, WebhookParser>;
  logger: Logger;
}

/**
 * Turns inbox rows into observations. Each row is applied and marked processed in one transaction,
 * so a crash before the commit leaves the row to be done again, and a crash after it leaves nothing
 * to redo. Work is done in small batches that yield to the event loop between them.
 */
export function createInboxWorker({ db, inbox, tracker, parsers, logger }: InboxWorkerDeps) {
  let running = false;
  let again = false;
  let stopped = false;
  let idleWaiters: Array<() => void> = [];

  function processRow(row: ReturnType<Inbox['unprocessed']>[number]): void {
    const parser = parsers[row.source as WebhookSource];
    let parsed: ReturnType<WebhookParser>;
    try {
      parsed = parser
        ? parser(JSON.parse(row.body), { receivedAt: row.receivedAt })
        : { ok: false, error: `unknown source ${row.source}` };
    } catch (error) {
      parsed = { ok: false, error: `cannot parse stored body: ${(error as Error).message}` };
    }
    if (!parsed.ok) {
      inbox.markProcessed(row.id, parsed.error);
      logger.warn({ inboxId: row.id, source: row.source, error: parsed.error }, 'inbox row not applicable');
      return;
    }
    if (parsed.kind === 'test') {
      inbox.markProcessed(row.id);
      return;
    }
    const health = parsed.health;
    tracker.ingest(parsed.observations, {
      inboxId: row.id,
      extra: () => {
        inbox.markProcessed(row.id);
        if (health) {
          db.update(schema.sourceStatus)
            .set({ healthLevel: health.restored ? 'ok' : health.level, healthMessage: health.message })
            .where(sql`${schema.sourceStatus.source} = ${row.source}`)
            .run();
        }
      },
    });
  }

  async function drain(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        for (;;) {
          const rows = inbox.unprocessed(BATCH);
          if (rows.length === 0 || stopped) break;
          for (const row of rows) {
            try {
              processRow(row);
            } catch (error) {
              const attempts = inbox.markFailedAttempt(row.id, (error as Error).message);
              logger.error({ err: error, inboxId: row.id, attempts }, 'failed to apply inbox row');
              if (attempts >= MAX_ATTEMPTS)
                inbox.markProcessed(row.id, `gave up: ${(error as Error).message}`);
            }
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      } while (again && !stopped);
    } finally {
      running = false;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  return {
    /** Schedules a drain; cheap to call after every stored webhook. */
    kick(): void {
      if (stopped) return;
      setImmediate(() => {
        drain().catch((error: unknown) => logger.error({ err: error }, 'inbox worker failed'));
      });
    },
    /** Resolves when everything stored so far has been applied (tests, graceful shutdown). */
    async idle(): Promise<void> {
      for (;;) {
        if (!running && inbox.backlog().count === 0) return;
        if (!running) await drain();
        else await new Promise<void>((resolve) => idleWaiters.push(resolve));
        if (inbox.backlog().count === 0 || stopped) return;
      }
    },
    stop(): void {
      stopped = true;
    },
  };
}
export type InboxWorker = ReturnType<typeof createInboxWorker>;
