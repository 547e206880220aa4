import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import type { WebhookParser, WebhookSource } from '../integrations/webhook.types.js';
import type { EventBus, TrackerEvent } from './event-bus.js';
import type { Inbox } from './inbox.js';
import type { Tracker } from './tracker.js';

/** A row that keeps throwing is set aside after this many tries, so one bad row never stops the rest. */
const MAX_ATTEMPTS = 5;
const BATCH = 200;
/**
 * Milliseconds of work per turn of the event loop while draining. While webhooks keep arriving the
 * worker takes short slices with pauses between them, so acknowledging a webhook (what the sender
 * waits for) never queues behind applying the backlog.
 */
const SLICE_MS = 8;
const BUSY_SLICE_MS = 2;
const BUSY_PAUSE_MS = 20;

export interface InboxWorkerDeps {
  db: Db;
  inbox: Inbox;
  tracker: Tracker;
  parsers: Record<WebhookSource, WebhookParser>;
  bus: EventBus;
  logger: Logger;
}

/**
 * Turns inbox rows into observations. A row is applied and marked processed in the same
 * transaction, so a crash before the commit leaves the row to be done again, and a crash after it
 * leaves nothing to redo. Work is done in time-sliced batches that yield to the event loop.
 */
export function createInboxWorker({ db, inbox, tracker, parsers, bus, logger }: InboxWorkerDeps) {
  let running = false;
  let again = false;
  let stopped = false;
  let idleWaiters: Array<() => void> = [];

  function processRow(row: ReturnType<Inbox['unprocessed']>[number], collect: TrackerEvent[]): void {
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
      collect,
      extra: () => {
        inbox.markProcessed(row.id);
        if (health) inbox.recordHealth(row.source, health);
      },
    });
  }

  /**
   * Applies up to one batch of rows in one transaction, stopping early when its time slice is used
   * up so that webhooks keep being acknowledged while a backlog drains. Each row runs in its own
   * savepoint: a row that throws is rolled back alone. The inbox holds the durable copy, so this
   * commit needs no fsync of its own (synchronous = NORMAL); a crash before it only means the rows
   * are applied again, which is harmless.
   */
  function processBatch(rows: ReturnType<Inbox['unprocessed']>, sliceMs: number): TrackerEvent[] {
    const collect: TrackerEvent[] = [];
    const started = performance.now();
    const client = db.$client;
    client.pragma('synchronous = NORMAL');
    try {
      client.transaction(() => {
        for (const row of rows) {
          if (performance.now() - started > sliceMs) break;
          const mark = collect.length;
          try {
            client.transaction(() => processRow(row, collect))();
          } catch (error) {
            collect.length = mark;
            const attempts = inbox.markFailedAttempt(row.id, (error as Error).message);
            logger.error({ err: error, inboxId: row.id, attempts }, 'failed to apply inbox row');
            if (attempts >= MAX_ATTEMPTS) inbox.markProcessed(row.id, `gave up: ${(error as Error).message}`);
          }
        }
      })();
    } finally {
      client.pragma('synchronous = FULL');
    }
    return collect;
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
          // Checked before touching the database: after stop() the app may be closing it.
          if (stopped) break;
          const rows = inbox.unprocessed(BATCH);
          if (rows.length === 0) break;
          const busy = inbox.isBusy();
          for (const event of processBatch(rows, busy ? BUSY_SLICE_MS : SLICE_MS)) bus.publish(event);
          if (busy) await new Promise((resolve) => setTimeout(resolve, BUSY_PAUSE_MS));
          else await new Promise((resolve) => setImmediate(resolve));
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
    /** Stops after the batch in hand; resolves once no drain is running (the database may then close). */
    async stop(): Promise<void> {
      stopped = true;
      while (running) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
export type InboxWorker = ReturnType<typeof createInboxWorker>;
