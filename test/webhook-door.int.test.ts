import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jellyseerrTest } from '../src/integrations/jellyseerr/jellyseerr.fake.js';
import { radarrGrab, radarrTest } from '../src/integrations/radarr/radarr.fake.js';
import { API_KEY, startTestApp, type TestApp, WEBHOOK_TOKEN } from './support/test-app.js';

const grab = radarrGrab({
  movieId: 7,
  tmdbId: 603,
  title: 'The Matrix',
  year: 1999,
  downloadId: 'C2C60F66C126652A86F7F2EE73DC83D4E255929E',
});

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

async function storedCount(): Promise<number> {
  const row = t.app.db.$client.prepare('select count(*) as n from inbox').get() as { n: number };
  return row.n;
}

async function expectNothingChanged(): Promise<void> {
  await t.idle();
  expect(await storedCount()).toBe(0);
  expect((await t.list()).total).toBe(0);
  const health = await t.api('/api/health');
  expect(health.status).toBe(200);
}

describe('webhook authentication', () => {
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it.each([
    ['bearer token', { headers: { authorization: `Bearer ${WEBHOOK_TOKEN}` } }],
    [
      'basic auth password (Radarr/Sonarr username/password)',
      { headers: { authorization: basic('radarr', WEBHOOK_TOKEN) } },
    ],
    ['?token= in the URL', { query: `token=${WEBHOOK_TOKEN}` }],
    ['the API key as bearer', { headers: { authorization: `Bearer ${API_KEY}` } }],
    ['the API key in X-Api-Key', { headers: { 'x-api-key': API_KEY } }],
  ])('accepts %s', async (_name, options) => {
    const res = await t.hook('radarr', grab, options);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'accepted', duplicate: false });
  });

  it.each([
    ['no token', { headers: {} }],
    ['a wrong bearer token', { headers: { authorization: 'Bearer nope-nope-nope-nope' } }],
    ['a wrong basic password', { headers: { authorization: basic('radarr', 'wrong') } }],
    ['a wrong ?token=', { query: 'token=wrong' }],
  ])('answers 401 to %s and stores nothing', async (_name, options) => {
    const res = await t.hook('radarr', grab, options);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatch(/token/);
    await expectNothingChanged();
  });
});

describe('webhook bodies', () => {
  it('accepts JSON sent as text/plain (the Jellyfin plugin default) and by PUT', async () => {
    const plain = await t.hook('radarr', grab, {
      headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'text/plain; charset=utf-8' },
    });
    expect(plain.status).toBe(202);
    const put = await t.hook('radarr', { ...grab, downloadId: 'AB'.repeat(20) }, { method: 'PUT' });
    expect(put.status).toBe(202);
    await t.idle();
    const { items } = await t.list();
    expect(items).toHaveLength(1);
    expect((await t.detail(items[0]!.id)).downloads).toHaveLength(2);
  });

  it('answers 413 to a 2 MiB body and stores nothing', async () => {
    const huge = JSON.stringify({ ...grab, padding: 'x'.repeat(2 * 1024 * 1024) });
    const res = await t.hook('radarr', null, { raw: huge });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/1 MiB/);
    await expectNothingChanged();
  });

  it.each([
    ['malformed JSON', '{"eventType": "Grab", ', /not valid JSON/],
    ['an empty body', '', /empty body/],
    ['a JSON array', '[1,2,3]', /object/],
    ['wrong types', JSON.stringify({ ...grab, movie: { ...grab.movie, tmdbId: 'abc' } }), /movie\.tmdbId/],
    ['a missing field', JSON.stringify({ ...grab, movie: undefined }), /movie/],
    [
      'a Jellyseerr payload sent to the Radarr door',
      JSON.stringify({ notification_type: 'MEDIA_APPROVED' }),
      /eventType/,
    ],
  ])('answers 400 to %s with a reason, and stores nothing', async (_name, raw, reason) => {
    const res = await t.hook('radarr', null, { raw });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(reason);
    await expectNothingChanged();
  });

  it('answers 404 to an unknown source', async () => {
    const res = await t.hook('plex', grab);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/jellyseerr, radarr, sonarr, jellyfin/);
    await expectNothingChanged();
  });

  it('answers 200 to test events and records the source as last seen', async () => {
    const res = await t.hook('radarr', radarrTest());
    expect(res.status).toBe(200);
    const seerr = await t.hook('jellyseerr', jellyseerrTest());
    expect(seerr.status).toBe(200);
    await expectNothingChanged();
    const health = (await t.api('/api/health')).body as {
      services: Array<{ kind: string; lastSeenAt: string | null }>;
    };
    const radarr = health.services.find((s) => s.kind === 'radarr');
    expect(radarr?.lastSeenAt).toBe('2026-03-01T12:00:00.000Z');
    expect(health.services.find((s) => s.kind === 'jellyseerr')?.lastSeenAt).not.toBeNull();
  });

  it('records events it does not use without rejecting them', async () => {
    const res = await t.hook('radarr', {
      eventType: 'ApplicationUpdate',
      instanceName: 'Radarr',
      message: 'updated',
      previousVersion: '5.1',
      newVersion: '5.2',
    });
    expect(res.status).toBe(202);
    await t.idle();
    expect(await storedCount()).toBe(1);
    expect((await t.list()).total).toBe(0);
  });

  it('recognises a duplicate delivery and does not apply it twice', async () => {
    const first = await t.hook('radarr', grab);
    const second = await t.hook('radarr', grab);
    expect(first.status).toBe(202);
    expect(second).toMatchObject({ status: 202, body: { duplicate: true, id: first.body.id } });
    await t.idle();
    const { items } = await t.list();
    expect(items).toHaveLength(1);
    const detail = await t.detail(items[0]!.id);
    expect(detail.timeline).toHaveLength(1);
    expect(detail.downloads).toHaveLength(1);
  });
});

describe('the admin API', () => {
  it('needs the API key; the webhook token is not enough', async () => {
    const res = await t.app.server.inject({
      method: 'GET',
      url: '/api/requests',
      headers: { authorization: `Bearer ${WEBHOOK_TOKEN}` },
    });
    expect(res.statusCode).toBe(401);
    const viaQuery = await t.app.server.inject({ method: 'GET', url: `/api/requests?apikey=${API_KEY}` });
    expect(viaQuery.statusCode).toBe(200);
  });

  it('answers the overall health without a key, and details only with it', async () => {
    const open = await t.app.server.inject({ method: 'GET', url: '/api/health' });
    expect(open.statusCode).toBe(200);
    expect(open.json()).toEqual({ status: 'ok' });
    const full = await t.api('/api/health');
    expect(full.body).toMatchObject({ status: 'ok', inbox: { backlog: 0 } });
  });

  it('rejects bad query parameters with 400 and a reason', async () => {
    const res = await t.api('/api/requests?limit=0&state=nonsense');
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toMatch(/limit|state/);
    expect((await t.api('/api/requests/does-not-exist')).status).toBe(404);
  });

  it('serves the OpenAPI document of its own API', async () => {
    const res = await t.app.server.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/requests',
        '/api/requests/{id}',
        '/api/health',
        '/api/events',
        '/hooks/{source}',
      ]),
    );
  });
});
