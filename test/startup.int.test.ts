import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTrackerProcess } from './support/tracker-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'status-tracker-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('starting the tracker', () => {
  it('generates the API key and webhook token on first start, prints them once, and serves', async () => {
    const first = await startTrackerProcess({ DATA_DIR: dataDir });
    const apiKey = /Generated API_KEY \(stored in [^)]+\): ([0-9a-f]{48})/.exec(first.output())?.[1];
    expect(apiKey).toBeDefined();
    expect(first.output()).toMatch(/Generated WEBHOOK_TOKEN/);
    const res = await fetch(`http://127.0.0.1:${first.port}/api/requests`, {
      headers: { 'x-api-key': apiKey! },
    });
    expect(res.status).toBe(200);
    await first.stop();

    const second = await startTrackerProcess({ DATA_DIR: dataDir });
    expect(second.output()).not.toMatch(/Generated/);
    const again = await fetch(`http://127.0.0.1:${second.port}/api/requests`, {
      headers: { 'x-api-key': apiKey! },
    });
    expect(again.status).toBe(200);
    await second.stop();
  }, 60_000);

  it('refuses to start on a bad configuration, listing every problem', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('..', import.meta.url),
      env: { ...process.env, DATA_DIR: dataDir, BASE_URL: '', PORT: 'x', RADARR_URL: 'nope' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/PORT/);
    expect(result.stderr).toMatch(/RADARR_URL/);
  });
});
