/**
 * The web UI from the same process: hashed assets cached for good, index.html never, client-side
 * routes answered with index.html, and the API's own paths never swallowed by the UI.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let root: string;
afterEach(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
});

function builtUi(): string {
  const dir = mkdtempSync(join(tmpdir(), 'status-tracker-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Status Tracker</title><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("ui")');
  return dir;
}

const get = (url: string) => t.app.server.inject({ method: 'GET', url });

describe('serving the web UI', () => {
  it('serves index.html for / and client routes, uncached, and assets cached for a year', async () => {
    root = builtUi();
    t = await startTestApp({}, { webRoot: root });
    for (const url of ['/', '/history', '/requests/abc']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
    }
    const asset = await get('/assets/index-abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('leaves /api, /hooks and /docs to the server: an unknown API path is a JSON 404', async () => {
    root = builtUi();
    t = await startTestApp({}, { webRoot: root });
    const res = await get('/api/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found' });
    expect((await get('/hooks/nope')).headers['content-type']).toMatch(/json/);
    expect((await get('/docs/json')).json()).toHaveProperty('openapi');
  });

  it('says how to build the UI when it is not built', async () => {
    root = mkdtempSync(join(tmpdir(), 'status-tracker-web-empty-'));
    t = await startTestApp({}, { webRoot: root });
    const res = await get('/');
    expect(res.statusCode).toBe(503);
    expect(res.body).toMatch(/npm run build:web/);
  });
});
