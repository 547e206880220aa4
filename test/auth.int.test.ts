/**
 * Signing in to the web UI, through HTTP: Jellyfin users (the Jellyfin API contract fake behind the
 * tracker) and the local admin, the session cookie, CSRF, expiry on the fake clock, the login rate
 * limit, and what a Jellyfin user who is not an administrator may see.
 */
import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoginRateLimit } from '../src/http/auth.routes.js';
import {
  type JellyfinApiFake,
  startJellyfinApiFake,
} from '../src/integrations/jellyfin/jellyfin-api.fake.js';
import { jellyseerrNotification } from '../src/integrations/jellyseerr/jellyseerr.fake.js';
import { API_KEY, startTestApp, type TestApp } from './support/test-app.js';

const USERS = [
  { name: 'Alice', password: 'alice-password', isAdmin: true },
  { name: 'Bob', password: 'bob-password' },
];
const DAY_MS = 86_400_000;

let t: TestApp | undefined;
let jf: JellyfinApiFake | undefined;
afterEach(async () => {
  await t?.close();
  await jf?.close();
  t = undefined;
  jf = undefined;
});

async function withJellyfin(
  env: Record<string, string> = {},
  options: { loginRateLimit?: LoginRateLimit } = {},
): Promise<TestApp> {
  jf = await startJellyfinApiFake({ apiKey: 'jf-key', users: USERS });
  t = await startTestApp(
    { JELLYFIN_URL: jf.url, JELLYFIN_API_KEY: 'jf-key', VERIFY_INTERVAL_SECONDS: '3600', ...env },
    options,
  );
  return t;
}

async function withoutJellyfin(env: Record<string, string> = {}): Promise<TestApp> {
  t = await startTestApp(env);
  return t;
}

function app(): TestApp {
  if (!t) throw new Error('no app started');
  return t;
}

/** A signed-in browser: its cookie and CSRF token. */
interface Browser {
  token: string;
  csrfToken: string;
}

function setCookieOf(res: LightMyRequestResponse): string | undefined {
  const header = res.headers['set-cookie'];
  return (Array.isArray(header) ? header : header === undefined ? [] : [header]).find((c) =>
    c.startsWith('st_session='),
  );
}

function login(body: unknown, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') {
  return app().app.server.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function signIn(username: string, password: string): Promise<Browser> {
  const res = await login({ username, password });
  expect(res.statusCode, res.body).toBe(200);
  const token = /^st_session=([^;]+)/.exec(setCookieOf(res) ?? '')?.[1];
  expect(token).toBeDefined();
  return { token: token!, csrfToken: res.json().csrfToken as string };
}

/** A request as that browser: the cookie, and the CSRF token unless told otherwise. */
async function as(
  browser: Browser,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  options: { body?: unknown; csrf?: string | null } = {},
) {
  const csrf = options.csrf === undefined ? browser.csrfToken : options.csrf;
  const res = await app().app.server.inject({
    method,
    url,
    headers: {
      cookie: `st_session=${browser.token}`,
      ...(csrf === null ? {} : { 'x-csrf-token': csrf }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers and assert on them
  const body: any = res.body === '' ? null : res.json();
  return { status: res.statusCode, body, res };
}

const sessionRows = () =>
  app().app.db.$client.prepare('select * from sessions').all() as Array<Record<string, unknown>>;

describe('signing in with Jellyfin', () => {
  it('tells the UI to show the Jellyfin form, and signs an administrator in with a cookie', async () => {
    await withJellyfin();
    const anonymous = await app().app.server.inject({ method: 'GET', url: '/api/auth/session' });
    expect(anonymous.json()).toEqual({ user: null, csrfToken: null, signIn: 'jellyfin' });

    const res = await login({ username: 'alice', password: 'alice-password' });
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expect(answer).toEqual({
      user: { name: 'Alice', isAdmin: true, via: 'jellyfin' },
      csrfToken: expect.any(String),
    });
    const cookie = setCookieOf(res)!;
    expect(cookie).toMatch(/; Max-Age=2592000(;|$)/);
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
    expect(cookie).toMatch(/; SameSite=Lax(;|$)/);
    expect(cookie).not.toMatch(/Secure/);

    const alice: Browser = { token: /^st_session=([^;]+)/.exec(cookie)![1]!, csrfToken: answer.csrfToken };
    expect((await as(alice, 'GET', '/api/auth/session')).body).toEqual({
      user: { name: 'Alice', isAdmin: true, via: 'jellyfin' },
      csrfToken: answer.csrfToken,
      signIn: 'jellyfin',
    });
    expect((await as(alice, 'GET', '/api/services')).status).toBe(200);
    expect((await as(alice, 'GET', '/api/health')).body.services).toBeDefined();
    // Only a hash of the token is stored; Jellyfin's own session was ended at once.
    expect(sessionRows()).toEqual([
      expect.objectContaining({
        token_hash: createHash('sha256').update(alice.token).digest('hex'),
        user_name: 'Alice',
        jellyfin_user_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        via: 'jellyfin',
      }),
    ]);
    expect(JSON.stringify(sessionRows())).not.toContain(alice.token);
    expect(jf!.sessions()).toEqual([]);
  });

  it('refuses a wrong password with 401 and sets no cookie', async () => {
    await withJellyfin();
    for (const body of [
      { username: 'Bob', password: 'wrong' },
      { username: 'nobody', password: 'bob-password' },
    ]) {
      const res = await login(body);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: expect.any(String), code: 'invalid_credentials' });
      expect(setCookieOf(res)).toBeUndefined();
    }
    expect(sessionRows()).toEqual([]);
  });

  it('says jellyfin_unreachable (503 no answer, 502 an error answer) when Jellyfin cannot be asked', async () => {
    await withJellyfin();
    await jf!.setDown(true);
    const erroring = await login({ username: 'Bob', password: 'bob-password' });
    expect(erroring.statusCode).toBe(502);
    expect(erroring.json()).toMatchObject({ code: 'jellyfin_unreachable' });
    await jf!.setDown(true, 'refuse');
    const refused = await login({ username: 'Bob', password: 'bob-password' });
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({
      code: 'jellyfin_unreachable',
      error: expect.stringMatching(/Jellyfin/),
    });
    expect(setCookieOf(refused)).toBeUndefined();
    await jf!.setDown(false);
    await signIn('Bob', 'bob-password');
  });

  it('sets Secure on the cookie when BASE_URL is https', async () => {
    await withJellyfin({ BASE_URL: 'https://tracker.example.com' });
    const res = await login({ username: 'Bob', password: 'bob-password' });
    expect(setCookieOf(res)).toMatch(/; Secure(;|$)/);
  });
});

describe('the local admin', () => {
  it('signs in as admin with the generated password when no Jellyfin is configured', async () => {
    await withoutJellyfin();
    const password = app().config.ADMIN_PASSWORD!;
    expect(app().config.generatedSecrets).toContain('ADMIN_PASSWORD');
    const anonymous = await app().app.server.inject({ method: 'GET', url: '/api/auth/session' });
    expect(anonymous.json()).toMatchObject({ signIn: 'local' });
    expect((await login({ username: 'admin', password: 'wrong-password' })).statusCode).toBe(401);
    expect((await login({ username: 'someone', password })).statusCode).toBe(401);
    const res = await login({ username: 'Admin', password });
    expect(res.json()).toMatchObject({ user: { name: 'admin', isAdmin: true, via: 'local' } });
  });

  it('stops taking the generated password once a Jellyfin is added, and asks Jellyfin instead', async () => {
    await withoutJellyfin();
    jf = await startJellyfinApiFake({ apiKey: 'jf-key', users: USERS });
    const added = await app().send('POST', '/api/services', {
      kind: 'jellyfin',
      name: 'Jellyfin',
      url: jf.url,
      apiKey: 'jf-key',
    });
    expect(added.status).toBe(201);
    const state = await app().app.server.inject({ method: 'GET', url: '/api/auth/session' });
    expect(state.json()).toMatchObject({ signIn: 'jellyfin' });
    expect((await login({ username: 'admin', password: app().config.ADMIN_PASSWORD })).statusCode).toBe(401);
    await signIn('Bob', 'bob-password');
  });

  it('keeps an explicit ADMIN_PASSWORD working beside Jellyfin, even while Jellyfin is down', async () => {
    await withJellyfin({ ADMIN_PASSWORD: 'owner-password' });
    await jf!.setDown(true, 'refuse');
    const res = await login({ username: 'admin', password: 'owner-password' });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toEqual({ name: 'admin', isAdmin: true, via: 'local' });
    // Another password for `admin` may be a Jellyfin user's: Jellyfin is asked.
    expect((await login({ username: 'admin', password: 'other' })).statusCode).toBe(503);
  });
});

describe('sessions', () => {
  it('logout ends the session and clears the cookie; the old cookie opens nothing', async () => {
    await withJellyfin();
    const bob = await signIn('Bob', 'bob-password');
    const refused = await as(bob, 'POST', '/api/auth/logout', { csrf: null });
    expect(refused).toMatchObject({ status: 403, body: { code: 'csrf' } });
    expect((await as(bob, 'GET', '/api/requests')).status).toBe(200);

    const out = await as(bob, 'POST', '/api/auth/logout');
    expect(out.status).toBe(204);
    expect(setCookieOf(out.res)).toMatch(/^st_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/);
    expect(sessionRows()).toEqual([]);
    expect((await as(bob, 'GET', '/api/requests')).status).toBe(401);
    expect((await as(bob, 'GET', '/api/auth/session')).body).toMatchObject({ user: null, csrfToken: null });
  });

  it('expires SESSION_DAYS after the last use, and slides while used', async () => {
    await withJellyfin({ SESSION_DAYS: '2' });
    const bob = await signIn('Bob', 'bob-password');
    app().clock.advance(1.5 * DAY_MS);
    const used = await as(bob, 'GET', '/api/requests');
    expect(used.status).toBe(200);
    // The cookie's lifetime is renewed with the session's.
    expect(setCookieOf(used.res)).toMatch(/; Max-Age=172800(;|$)/);
    app().clock.advance(1.5 * DAY_MS);
    expect((await as(bob, 'GET', '/api/requests')).status).toBe(200);

    app().clock.advance(2 * DAY_MS + 1);
    expect((await as(bob, 'GET', '/api/requests')).status).toBe(401);
    expect(sessionRows()).toEqual([]);
  });

  it('replaces the browser session on a new sign-in', async () => {
    await withJellyfin();
    const first = await signIn('Bob', 'bob-password');
    const res = await login(
      { username: 'Alice', password: 'alice-password' },
      { cookie: `st_session=${first.token}` },
    );
    expect(res.statusCode).toBe(200);
    expect(sessionRows()).toEqual([expect.objectContaining({ user_name: 'Alice' })]);
    expect((await as(first, 'GET', '/api/requests')).status).toBe(401);
  });
});

describe('CSRF', () => {
  const radarr = (name: string) => ({ kind: 'radarr', name, url: 'http://radarr:7878', apiKey: 'k' });
  const serviceNames = async () =>
    ((await app().send('GET', '/api/services')).body.items as Array<{ name: string }>).map((s) => s.name);

  it('refuses a cookie-authenticated change without the right X-CSRF-Token, and changes nothing', async () => {
    await withJellyfin();
    const alice = await signIn('alice', 'alice-password');
    for (const csrf of [null, 'wrong-token', '']) {
      const res = await as(alice, 'POST', '/api/services', { body: radarr('Radarr 4K'), csrf });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: expect.any(String), code: 'csrf' });
    }
    expect(await serviceNames()).not.toContain('Radarr 4K');
    expect((await as(alice, 'POST', '/api/services', { body: radarr('Radarr 4K') })).status).toBe(201);
    expect(await serviceNames()).toContain('Radarr 4K');
  });

  it('needs no token with the API key, even next to a session cookie', async () => {
    await withJellyfin();
    const alice = await signIn('alice', 'alice-password');
    const res = await app().app.server.inject({
      method: 'POST',
      url: '/api/services',
      headers: {
        'x-api-key': API_KEY,
        cookie: `st_session=${alice.token}`,
        'content-type': 'application/json',
      },
      payload: JSON.stringify(radarr('Radarr Anime')),
    });
    expect(res.statusCode).toBe(201);
    expect((await app().send('POST', '/api/services', radarr('Radarr Kids'))).status).toBe(201);
  });
});

describe('a Jellyfin user who is not an administrator', () => {
  const request = (requestId: number, requestedBy: string) =>
    jellyseerrNotification({
      type: 'MEDIA_PENDING',
      mediaType: 'movie',
      tmdbId: 1000 + requestId,
      requestId,
      title: `Movie ${requestId}`,
      year: 2020,
      requestedBy,
    });

  async function idsByRequester(): Promise<Record<string, string>> {
    const { items } = await app().list();
    return Object.fromEntries(items.map((item) => [item.title, item.id]));
  }

  it('sees only their own requests (any case of the name), others are 404', async () => {
    await withJellyfin();
    await app().hooks([
      ['jellyseerr', request(1, 'Bob')],
      ['jellyseerr', request(2, 'carol')],
      ['jellyseerr', request(3, 'BOB')],
    ]);
    const ids = await idsByRequester();
    const bob = await signIn('bob', 'bob-password');
    expect((await as(bob, 'GET', '/api/auth/session')).body.user).toEqual({
      name: 'Bob',
      isAdmin: false,
      via: 'jellyfin',
    });
    const list = await as(bob, 'GET', '/api/requests');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items.map((i: { title: string }) => i.title).sort()).toEqual(['Movie 1', 'Movie 3']);
    expect((await as(bob, 'GET', `/api/requests/${ids['Movie 1']}`)).status).toBe(200);
    const others = await as(bob, 'GET', `/api/requests/${ids['Movie 2']}`);
    expect(others).toMatchObject({ status: 404, body: { code: 'not_found' } });
    // An administrator sees everything.
    const alice = await signIn('alice', 'alice-password');
    expect((await as(alice, 'GET', '/api/requests')).body.total).toBe(3);
    expect((await as(alice, 'GET', `/api/requests/${ids['Movie 2']}`)).status).toBe(200);
  });

  it('gets 403 on services, actions, raw observations and webhook setup, and the health status only', async () => {
    await withJellyfin();
    await app().hooks([['jellyseerr', request(1, 'Bob')]]);
    const { items } = await app().list();
    const bob = await signIn('Bob', 'bob-password');
    const detail = await as(bob, 'GET', `/api/requests/${items[0]!.id}`);
    const observationId = detail.body.timeline[0].observationId as number;
    for (const [method, url, body] of [
      ['GET', '/api/services', undefined],
      ['GET', '/api/services/catalog', undefined],
      ['POST', '/api/services', { kind: 'radarr', name: 'x', url: 'http://radarr:7878', apiKey: 'k' }],
      ['POST', `/api/requests/${items[0]!.id}/actions/search`, undefined],
      ['GET', `/api/observations/${observationId}/raw`, undefined],
      ['GET', '/api/webhooks', undefined],
    ] as const) {
      const res = await as(bob, method, url, { body });
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.body).toEqual({ error: expect.any(String), code: 'forbidden' });
    }
    expect((await as(bob, 'GET', '/api/health')).body).toEqual({ status: expect.any(String) });
    expect((await app().send('GET', '/api/services')).body.items).toHaveLength(1);
  });

  it('gets only the events of their own requests, replayed and live', async () => {
    await withJellyfin();
    await app().hooks([
      ['jellyseerr', request(1, 'Bob')],
      ['jellyseerr', request(2, 'carol')],
    ]);
    const bob = await signIn('Bob', 'bob-password');
    await app().app.server.listen({ port: 0, host: '127.0.0.1' });
    const address = app().app.server.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/events?lastEventId=0`, {
      headers: { cookie: `st_session=${bob.token}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    let text = '';
    const reading = (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          text += value;
        }
      } catch {
        // aborted
      }
    })();
    const titles = () =>
      [...text.matchAll(/^data: (.*)$/gm)].map((m) => (JSON.parse(m[1]!) as { title: string }).title);
    try {
      await expect.poll(titles, { timeout: 5_000 }).toContain('Movie 1');
      await app().hooks([
        ['jellyseerr', request(3, 'carol')],
        ['jellyseerr', request(4, 'bob')],
      ]);
      await expect.poll(titles, { timeout: 5_000 }).toContain('Movie 4');
      expect(new Set(titles())).toEqual(new Set(['Movie 1', 'Movie 4']));
    } finally {
      controller.abort();
      await reading;
    }
  });
});

describe('an open event stream', () => {
  it('ends when its session signs out', async () => {
    await withJellyfin();
    const bob = await signIn('Bob', 'bob-password');
    await app().app.server.listen({ port: 0, host: '127.0.0.1' });
    const address = app().app.server.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const res = await fetch(`http://127.0.0.1:${port}/api/events`, {
      headers: { cookie: `st_session=${bob.token}` },
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // the `retry:` line
    let ended = false;
    const reading = (async () => {
      while (!(await reader.read()).done);
      ended = true;
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ended).toBe(false);
    expect((await as(bob, 'POST', '/api/auth/logout')).status).toBe(204);
    await expect.poll(() => ended, { timeout: 3_000 }).toBe(true);
    await reading;
  });
});

describe('the login route', () => {
  it('answers 400 to malformed bodies', async () => {
    await withJellyfin();
    for (const body of [
      {},
      { username: 'Bob' },
      { password: 'bob-password' },
      { username: '', password: 'x' },
      { username: '   ', password: 'x' },
      { username: 5, password: 'x' },
      { username: 'Bob', password: null },
      ['Bob', 'bob-password'],
      '{"username": "Bob", ',
    ]) {
      const res = await login(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toEqual({ error: expect.any(String), code: expect.any(String) });
    }
    expect(jf!.calls.filter((c) => c.path === '/Users/AuthenticateByName')).toEqual([]);
  });

  it('answers 429 rate_limited after too many attempts from one client, right password or not', async () => {
    await withJellyfin({}, { loginRateLimit: { max: 3, timeWindowMs: 60_000 } });
    for (let i = 0; i < 3; i++) {
      expect((await login({ username: 'Bob', password: `guess-${i}` })).statusCode).toBe(401);
    }
    const limited = await login({ username: 'Bob', password: 'bob-password' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({
      error: expect.stringMatching(/sign-in attempts/),
      code: 'rate_limited',
    });
    expect(setCookieOf(limited)).toBeUndefined();
    // Only the login is limited.
    expect((await app().app.server.inject({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(200);
    // Another client is not held up by the first one's attempts.
    const other = await login({ username: 'Bob', password: 'bob-password' }, {}, '10.0.0.2');
    expect(other.statusCode).toBe(200);
  });

  it('counts each visitor behind a trusted reverse proxy apart, and believes no one else’s header', async () => {
    await withJellyfin({ TRUST_PROXY: '10.0.0.1' }, { loginRateLimit: { max: 2, timeWindowMs: 60_000 } });
    const viaProxy = (visitor: string) =>
      login({ username: 'Bob', password: 'wrong' }, { 'x-forwarded-for': visitor }, '10.0.0.1');
    for (let i = 0; i < 2; i++) expect((await viaProxy('203.0.113.7')).statusCode).toBe(401);
    expect((await viaProxy('203.0.113.7')).statusCode).toBe(429);
    expect((await viaProxy('198.51.100.9')).statusCode).toBe(401);
    // A client that is not the proxy cannot dodge the limit by sending the header itself.
    const direct = (forged: string) =>
      login({ username: 'Bob', password: 'wrong' }, { 'x-forwarded-for': forged }, '192.0.2.50');
    for (let i = 0; i < 2; i++) expect((await direct(`192.0.2.${100 + i}`)).statusCode).toBe(401);
    expect((await direct('192.0.2.200')).statusCode).toBe(429);
  });
});
