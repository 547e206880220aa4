import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ArrApiFake, startArrApiFake } from '../src/integrations/shared/arr-api.fake.js';
import { freePort } from './support/daemons/daemon-process.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const RADARR_KEY = 'radarr-key-0123456789abcdef';

describe('/api/services', () => {
  let t: TestApp;
  let radarr: ArrApiFake;
  let sonarr: ArrApiFake;

  beforeEach(async () => {
    radarr = await startArrApiFake({ app: 'Radarr', apiKey: RADARR_KEY });
    sonarr = await startArrApiFake({ app: 'Sonarr', apiKey: 'sonarr-key' });
    t = await startTestApp({ SONARR_URL: sonarr.url, SONARR_API_KEY: 'sonarr-key' });
  });
  afterEach(async () => {
    await t.close();
    await radarr.close();
    await sonarr.close();
  });

  const addRadarr = (extra: Record<string, unknown> = {}) =>
    t.send('POST', '/api/services', {
      kind: 'radarr',
      name: 'Radarr 4K',
      url: radarr.url,
      apiKey: RADARR_KEY,
      ...extra,
    });

  it('adds an instance and never returns its secret, which is sealed at rest', async () => {
    const created = await addRadarr();
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'radarr',
      name: 'Radarr 4K',
      origin: 'api',
      secretsSet: ['apiKey'],
    });
    expect(JSON.stringify(created.body)).not.toContain(RADARR_KEY);

    const list = await t.send('GET', '/api/services');
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual(['env-sonarr', created.body.id]);
    expect(JSON.stringify(list.body)).not.toContain(RADARR_KEY);
    expect(JSON.stringify(list.body)).not.toContain('sonarr-key');

    const row = t.app.db.$client
      .prepare('select secrets from services where id = ?')
      .get(created.body.id) as {
      secrets: string;
    };
    expect(row.secrets).toMatch(/^v1\./);
    expect(row.secrets).not.toContain(RADARR_KEY);
    expect(Buffer.from(row.secrets.split('.')[3]!, 'base64').toString('latin1')).not.toContain(RADARR_KEY);
  });

  it('tests a connection: ok with the version, then unauthorized, unreachable and bad response told apart', async () => {
    const { body: created } = await addRadarr();
    expect((await t.send('POST', `/api/services/${created.id}/test`)).body).toEqual({
      ok: true,
      version: '5.28.0.10274',
    });
    expect(radarr.calls).toContain('GET /api/v3/system/status');

    await t.send('PUT', `/api/services/${created.id}`, {
      name: 'Radarr 4K',
      url: radarr.url,
      apiKey: 'wrong-key',
    });
    const unauthorized = await t.send('POST', `/api/services/${created.id}/test`);
    expect(unauthorized.body).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });

    const closed = `http://127.0.0.1:${await freePort()}`;
    await t.send('PUT', `/api/services/${created.id}`, {
      name: 'Radarr 4K',
      url: closed,
      apiKey: RADARR_KEY,
    });
    const unreachable = await t.send('POST', `/api/services/${created.id}/test`);
    expect(unreachable.body).toMatchObject({ ok: false, error: { kind: 'unreachable' } });

    // A Sonarr where a Radarr was meant answers, but not as a Radarr.
    await t.send('PUT', `/api/services/${created.id}`, {
      name: 'Radarr 4K',
      url: sonarr.url,
      apiKey: 'sonarr-key',
    });
    const wrongApp = await t.send('POST', `/api/services/${created.id}/test`);
    expect(wrongApp.body).toEqual({
      ok: false,
      error: { kind: 'bad_response', message: 'this is Sonarr, not Radarr' },
    });
  });

  it('keeps a secret that an update leaves out, and refuses to clear a required one', async () => {
    const { body: created } = await addRadarr();
    const renamed = await t.send('PUT', `/api/services/${created.id}`, {
      name: 'Radarr UHD',
      url: radarr.url,
    });
    expect(renamed.body).toMatchObject({ name: 'Radarr UHD', secretsSet: ['apiKey'] });
    expect((await t.send('POST', `/api/services/${created.id}/test`)).body).toMatchObject({ ok: true });

    const cleared = await t.send('PUT', `/api/services/${created.id}`, {
      name: 'Radarr UHD',
      url: radarr.url,
      apiKey: null,
    });
    expect(cleared.status).toBe(400);
    expect(cleared.body).toMatchObject({ code: 'invalid_service', error: 'apiKey: required for Radarr' });
  });

  it('tests settings before they are saved', async () => {
    const ok = await t.send('POST', '/api/services/test', {
      kind: 'radarr',
      name: 'x',
      url: radarr.url,
      apiKey: RADARR_KEY,
    });
    expect(ok.body).toEqual({ ok: true, version: '5.28.0.10274' });
    const bad = await t.send('POST', '/api/services/test', {
      kind: 'radarr',
      name: 'x',
      url: radarr.url,
      apiKey: 'nope',
    });
    expect(bad.body).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    expect((await t.send('GET', '/api/services')).body.items).toHaveLength(1);
  });

  it('deletes an added instance; one from the environment is read-only', async () => {
    const { body: created } = await addRadarr();
    expect((await t.send('DELETE', `/api/services/${created.id}`)).status).toBe(204);
    expect((await t.send('GET', `/api/services/${created.id}`)).status).toBe(404);
    expect((await t.send('DELETE', `/api/services/${created.id}`)).status).toBe(404);

    const env = await t.send('PUT', '/api/services/env-sonarr', { name: 'x', url: sonarr.url });
    expect(env.status).toBe(409);
    expect(env.body).toMatchObject({ code: 'read_only' });
    expect((await t.send('DELETE', '/api/services/env-sonarr')).status).toBe(409);
  });

  it('rejects bad input with a 400 that names the field, and changes nothing', async () => {
    const cases: unknown[] = [
      { kind: 'radarr', name: 'x', url: radarr.url },
      { kind: 'plex', name: 'x', url: radarr.url, apiKey: 'k' },
      { kind: 'radarr', name: 'x', url: 'ftp://host', apiKey: 'k' },
      { kind: 'radarr', name: '', url: radarr.url, apiKey: 'k' },
      { kind: 'radarr', name: 'x', url: radarr.url, apiKey: 'k', isAdmin: true },
      { kind: 'deluge', name: 'x', url: radarr.url, password: 'p', username: 'u' },
      { kind: 'radarr', name: 'x', url: radarr.url, apiKey: 'k'.repeat(5_000) },
    ];
    for (const body of cases) {
      const res = await t.send('POST', '/api/services', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatch(/\w+/);
    }
    expect((await t.send('GET', '/api/services')).body.items).toHaveLength(1);
  });

  it('needs the API key', async () => {
    const res = await t.app.server.inject({ method: 'GET', url: '/api/services' });
    expect(res.statusCode).toBe(401);
    const create = await t.app.server.inject({
      method: 'POST',
      url: '/api/services',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-webhook-token-0123456789' },
      payload: JSON.stringify({ kind: 'radarr', name: 'x', url: radarr.url, apiKey: RADARR_KEY }),
    });
    expect(create.statusCode).toBe(401);
  });

  it('shows each instance on the health page with its last success and last error', async () => {
    const { body: created } = await addRadarr();
    await t.send('POST', `/api/services/${created.id}/test`);
    let health = (await t.api('/api/health')).body as {
      status: string;
      services: Array<Record<string, unknown>>;
    };
    const entry = () => health.services.find((s) => s.id === created.id);
    expect(entry()).toMatchObject({
      name: 'Radarr 4K',
      kind: 'radarr',
      ok: true,
      circuit: 'closed',
      lastError: null,
    });
    expect(entry()?.lastSuccessAt).toEqual(expect.any(String));

    await t.send('PUT', `/api/services/${created.id}`, {
      name: 'Radarr 4K',
      url: radarr.url,
      apiKey: 'wrong',
    });
    await t.send('POST', `/api/services/${created.id}/test`);
    health = (await t.api('/api/health')).body as typeof health;
    expect(entry()).toMatchObject({ ok: false, lastError: 'Radarr refused the API key' });
    expect(health.status).toBe('degraded');
  });

  it('serves the catalog that drives the settings form', async () => {
    const res = await t.send('GET', '/api/services/catalog');
    const kinds = res.body.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual([
      'jellyseerr',
      'radarr',
      'sonarr',
      'jellyfin',
      'shoko',
      'qbittorrent',
      'transmission',
      'deluge',
      'sabnzbd',
      'nzbget',
    ]);
    const deluge = res.body.find((e: { kind: string }) => e.kind === 'deluge');
    expect(deluge).toMatchObject({
      protocol: 'torrent',
      env: { url: 'DELUGE_URL', password: 'DELUGE_PASSWORD' },
    });
    expect(deluge.fields.map((f: { key: string }) => f.key)).toEqual(['url', 'password']);
  });
});
