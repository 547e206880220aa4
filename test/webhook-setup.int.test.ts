import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, WEBHOOK_TOKEN } from './support/test-app.js';

let t: TestApp;
afterEach(async () => t.close());

describe('GET /api/webhooks', () => {
  it('says, per app, the URL with the token where it must go and what to tick', async () => {
    t = await startTestApp({ BASE_URL: 'https://tracker.example.org/' });
    const { status, body } = await t.send('GET', '/api/webhooks');
    expect(status).toBe(200);
    expect(body.map((s: { source: string }) => s.source)).toEqual([
      'jellyseerr',
      'radarr',
      'sonarr',
      'jellyfin',
    ]);
    const [jellyseerr, radarr, , jellyfin] = body;
    expect(jellyseerr.fields).toContainEqual({
      label: 'Authorization Header',
      value: `Bearer ${WEBHOOK_TOKEN}`,
      secret: true,
    });
    expect(radarr.url).toBe('https://tracker.example.org/hooks/radarr');
    expect(radarr.fields).toContainEqual({ label: 'Password', value: WEBHOOK_TOKEN, secret: true });
    expect(radarr.tick).toContain('On Manual Interaction Required');
    expect(jellyfin.url).toBe(`https://tracker.example.org/hooks/jellyfin?token=${WEBHOOK_TOKEN}`);
  });

  it('tells the same events to tick as the README', async () => {
    t = await startTestApp();
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const { body } = await t.send('GET', '/api/webhooks');
    for (const setup of body.filter((s: { source: string }) => s.source !== 'jellyfin')) {
      for (const tick of setup.tick) expect(readme, `${setup.app}: ${tick}`).toContain(`_${tick}_`);
    }
  });

  it('answers 401 without the API key', async () => {
    t = await startTestApp();
    const res = await t.app.server.inject({ method: 'GET', url: '/api/webhooks' });
    expect(res.statusCode).toBe(401);
  });
});
