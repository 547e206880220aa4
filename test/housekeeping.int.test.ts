/**
 * A small footprint over months: raw webhook bodies are emptied INBOX_RETENTION_DAYS after they were
 * applied; the request, its timeline and the duplicate check stay as they were.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { radarrGrab } from '../src/integrations/radarr/radarr.fake.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const DAY = 86_400_000;
const grab = radarrGrab({
  movieId: 1,
  tmdbId: 603,
  title: 'The Matrix',
  year: 1999,
  downloadId: 'C7'.repeat(20),
});
let t: TestApp;
afterEach(async () => t.close());

async function rawOfFirstEntry() {
  const { items } = await t.list();
  const detail = await t.detail(items[0]!.id);
  const observationId = detail.timeline.find((e) => e.observationId !== null)!.observationId!;
  return (await t.send('GET', `/api/observations/${observationId}/raw`)).body;
}

describe('housekeeping', () => {
  it('empties a raw body once it is older than the retention, and still knows the delivery', async () => {
    t = await startTestApp({ INBOX_RETENTION_DAYS: '30' });
    await t.hooks([['radarr', grab]]);
    expect((await rawOfFirstEntry()).payload).toMatchObject({ eventType: 'Grab' });

    t.clock.advance(29 * DAY);
    await t.app.housekeeping.runOnce();
    expect(t.app.housekeeping.lastPruned()).toBe(0);

    t.clock.advance(2 * DAY);
    await t.app.housekeeping.runOnce();
    expect(t.app.housekeeping.lastPruned()).toBe(1);
    const raw = await rawOfFirstEntry();
    expect(raw.payload).toBeNull();
    expect(raw.observation).toMatchObject({ kind: 'grabbed' });

    const again = await t.hook('radarr', grab);
    expect(again).toMatchObject({ status: 202, body: { duplicate: true } });
    expect((await t.list()).total).toBe(1);
  });

  it('keeps every body with INBOX_RETENTION_DAYS=0', async () => {
    t = await startTestApp({ INBOX_RETENTION_DAYS: '0' });
    await t.hooks([['radarr', grab]]);
    t.clock.advance(400 * DAY);
    await t.app.housekeeping.runOnce();
    expect((await rawOfFirstEntry()).payload).toMatchObject({ eventType: 'Grab' });
  });
});
