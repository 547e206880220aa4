import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../clock.js';
import { openDatabase } from '../db/database.js';
import { radarrGrab } from '../integrations/radarr/radarr.fake.js';
import type { WebhookParser } from '../integrations/webhook.types.js';
import { webhookParsers } from '../integrations/webhook-parsers.js';
import { createEventBus } from './event-bus.js';
import { createInbox } from './inbox.js';
import { createInboxWorker } from './inbox-worker.js';
import { createTracker } from './tracker.js';

function setup(radarr: WebhookParser) {
  const db = openDatabase({ file: ':memory:' });
  const clock = createFakeClock();
  const bus = createEventBus();
  const tracker = createTracker({ db, bus, clock, trustAvailableHint: () => true });
  const inbox = createInbox({ db, clock });
  const worker = createInboxWorker({
    db,
    inbox,
    tracker,
    bus,
    parsers: { ...webhookParsers, radarr },
    logger: pino({ level: 'silent' }),
  });
  return { db, inbox, worker, bus };
}

const grab = (n: number) =>
  JSON.stringify(
    radarrGrab({
      movieId: n,
      tmdbId: 100 + n,
      title: `Movie ${n}`,
      year: 2000,
      downloadId: `${n}`.repeat(40).slice(0, 40),
    }),
  );

describe('inbox worker', () => {
  it('sets a row that keeps failing aside after five tries and applies the others', async () => {
    // Movie 2 parses, but applying it throws (a download id that is not a string breaks correlation).
    const failing: WebhookParser = (body, context) => {
      const parsed = webhookParsers.radarr(body, context);
      if ((body as { movie?: { id?: number } }).movie?.id !== 2 || !parsed.ok || parsed.kind !== 'event')
        return parsed;
      const broken = parsed.observations.map((o) => ({ ...o, download: { id: 42 as unknown as string } }));
      return { ...parsed, observations: broken };
    };
    const { db, inbox, worker } = setup(failing);
    for (const n of [1, 2, 3])
      await inbox.store({ source: 'radarr', eventType: 'Grab', body: grab(n), dedupeKey: `k${n}` });
    await worker.idle();
    const rows = db.$client
      .prepare('select id, processed_at, error, attempts from inbox order by id')
      .all() as Array<{
      processed_at: string | null;
      error: string | null;
      attempts: number;
    }>;
    expect(rows.map((r) => r.processed_at !== null)).toEqual([true, true, true]);
    expect(rows[1]).toMatchObject({ attempts: 5 });
    expect(rows[1]?.error).toMatch(/^gave up: /);
    expect(rows[0]?.error).toBeNull();
    expect(rows[2]?.error).toBeNull();
    const requests = db.$client.prepare('select title from requests order by title').all();
    expect(requests).toEqual([{ title: 'Movie 1' }, { title: 'Movie 3' }]);
  });

  it('publishes events only after the batch has committed', async () => {
    const { db, inbox, worker, bus } = setup(webhookParsers.radarr);
    const seenInDb: boolean[] = [];
    bus.subscribe(() => seenInDb.push(!db.$client.inTransaction));
    await inbox.store({ source: 'radarr', eventType: 'Grab', body: grab(7), dedupeKey: 'k7' });
    await worker.idle();
    expect(seenInDb).toEqual([true]);
  });
});

describe('inbox worker shutdown', () => {
  it('waits for the drain in progress and reads nothing more once stopped, so the database can close', async () => {
    const { db, inbox, bus } = setup(webhookParsers.radarr);
    for (let n = 1; n <= 300; n++) {
      await inbox.store({ source: 'radarr', eventType: 'Grab', body: grab(n), dedupeKey: `k${n}` });
    }
    let closed = false;
    const readsAfterClose: string[] = [];
    const guarded = new Proxy(inbox, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (closed) readsAfterClose.push(String(name));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const clock = createFakeClock();
    const worker = createInboxWorker({
      db,
      inbox: guarded,
      tracker: createTracker({ db, bus, clock, trustAvailableHint: () => true }),
      bus,
      parsers: webhookParsers,
      logger: pino({ level: 'silent' }),
    });
    worker.kick();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await worker.stop();
    closed = true;
    worker.kick();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readsAfterClose).toEqual([]);
    expect(inbox.backlog().count).toBeGreaterThan(0); // stopped part-way: the rest waits for the next start
  });
});
