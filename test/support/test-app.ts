import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type App, type AppOptions, createApp } from '../../src/app.js';
import { createFakeClock } from '../../src/clock.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { ResilienceOptions } from '../../src/integrations/shared/service-http.js';
import type { RequestDetail, RequestSummary } from '../../src/tracker/request-views.js';
import { requestsStuckWithoutProblem } from './stuck-audit.js';

export const API_KEY = 'test-api-key-0123456789abcdef';
export const WEBHOOK_TOKEN = 'test-webhook-token-0123456789';

export interface TestApp {
  app: App;
  config: Config;
  clock: ReturnType<typeof createFakeClock>;
  /** POSTs a webhook with the token; resolves with status and JSON answer. */
  hook(
    source: string,
    body: unknown,
    options?: HookOptions,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Sends several webhooks and waits until the worker has applied them. */
  hooks(list: Array<[string, unknown]>): Promise<void>;
  idle(): Promise<void>;
  list(query?: string): Promise<{ items: RequestSummary[]; total: number }>;
  detail(id: string): Promise<RequestDetail>;
  api(url: string): Promise<{ status: number; body: unknown }>;
  /** Any API call with the API key; `body` is sent as JSON. */
  send(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers and assert on them
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface HookOptions {
  method?: 'POST' | 'PUT';
  headers?: Record<string, string>;
  /** Query string, e.g. `token=...`. When headers or query are given, no token is added. */
  query?: string;
  /** Send this text as is instead of JSON.stringify(body). */
  raw?: string;
}

/** Outgoing calls in tests: one quick attempt, so "unreachable" is answered at once. */
export const TEST_RESILIENCE: ResilienceOptions = {
  timeoutMs: 2_000,
  maxAttempts: 1,
  initialBackoffMs: 10,
  maxBackoffMs: 10,
  breakAfter: 1_000,
  halfOpenAfterMs: 1_000,
};

/** A tracker on an in-memory database with a fake clock, driven through HTTP (`inject`). */
export async function startTestApp(
  env: Record<string, string> = {},
  options: {
    resilience?: ResilienceOptions;
    /** A database file kept across a restart; an in-memory database by default. */
    databaseFile?: string;
    /** Check on close that no open request is stuck past its threshold without a problem (default on). */
    auditStuck?: boolean;
    loginRateLimit?: AppOptions['loginRateLimit'];
    /** The built web UI to serve (defaults to dist/web). */
    webRoot?: string;
  } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'status-tracker-test-'));
  const clock = createFakeClock('2026-03-01T12:00:00.000Z');
  const config = loadConfig({ DATA_DIR: dataDir, API_KEY, WEBHOOK_TOKEN, LOG_LEVEL: 'silent', ...env });
  const app = await createApp(config, {
    clock,
    databaseFile: options.databaseFile ?? ':memory:',
    logger: pino({ level: 'silent' }),
    heartbeatMs: 200,
    resilience: options.resilience ?? TEST_RESILIENCE,
    loginRateLimit: options.loginRateLimit,
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  });
  const auth = { authorization: `Bearer ${WEBHOOK_TOKEN}` };
  let closed = false;

  const hook: TestApp['hook'] = async (source, body, options = {}) => {
    const custom = options.headers !== undefined || options.query !== undefined;
    const res = await app.server.inject({
      method: options.method ?? 'POST',
      url: `/hooks/${source}${options.query ? `?${options.query}` : ''}`,
      headers: { 'content-type': 'application/json', ...(custom ? {} : auth), ...options.headers },
      payload: options.raw ?? JSON.stringify(body),
    });
    clock.advance(1000);
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };
  const api: TestApp['api'] = async (url) => {
    const res = await app.server.inject({ method: 'GET', url, headers: { 'x-api-key': API_KEY } });
    return { status: res.statusCode, body: res.json() as unknown };
  };

  const testApp: TestApp = {
    app,
    config,
    clock,
    hook,
    async hooks(list) {
      for (const [source, body] of list) {
        const res = await hook(source, body);
        if (res.status !== 202 && res.status !== 200) {
          throw new Error(`webhook ${source} answered ${res.status}: ${JSON.stringify(res.body)}`);
        }
      }
      await app.worker.idle();
    },
    idle: () => app.worker.idle(),
    async list(query = '') {
      const res = await api(`/api/requests${query ? `?${query}` : ''}`);
      if (res.status !== 200) throw new Error(`list answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body as { items: RequestSummary[]; total: number };
    },
    async detail(id) {
      const res = await api(`/api/requests/${id}`);
      if (res.status !== 200) throw new Error(`detail answered ${res.status}`);
      return res.body as RequestDetail;
    },
    api,
    async send(method, url, body) {
      const res = await app.server.inject({
        method,
        url,
        headers: {
          'x-api-key': API_KEY,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      return { status: res.statusCode, body: res.body === '' ? null : (res.json() as unknown) };
    },
    async close() {
      if (options.auditStuck !== false && !closed) {
        closed = true;
        const stuck = await requestsStuckWithoutProblem({
          config,
          now: clock.now(),
          review: async () => {
            await app.reviewRequests.runOnce();
          },
          openRequests: async () => (await testApp.list('active=true&limit=500')).items,
          detail: (id) => testApp.detail(id),
          anyServiceFailing: async () =>
            ((await api('/api/health')).body as { services: Array<{ ok: boolean }> }).services.some(
              (s) => !s.ok,
            ),
        });
        if (stuck.length > 0) {
          await app.close();
          rmSync(dataDir, { recursive: true, force: true });
          throw new Error(`requests left stuck without a problem:\n${stuck.join('\n')}`);
        }
      }
      closed = true;
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return testApp;
}
